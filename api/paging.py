"""Cursor paging for the REST API's lists, with one opaque cursor format.

A page is read after the last row of the previous page by its sort key (keyset paging), never
by an offset: rows added or removed meanwhile neither repeat nor drop rows across pages. The
cursor holds that key (the values of the order fields, base64url JSON); clients pass it back
as it is and must not build or read one.
"""

import base64
import binascii
import json
from datetime import UTC, datetime
from functools import reduce
from operator import or_

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from core.errors import ApplicationError

NEXT_CURSOR = "Pass as `cursor` for the next page (opaque: send it back as it is)."
FEED_CURSOR = (
    "Pass as `cursor` to read on from here, now or later (opaque: send it back as it is); "
    "never null."
)
MAX_CURSOR = 200  # characters: far more than a key of a few fields needs
LARGEST_ID = 2**62  # larger numbers cannot be ids (and overflow SQLite)


def cursor_page(
    rows: QuerySet, *, order: tuple[str, ...], cursor: str, limit: int
) -> tuple[list, str | None]:
    """The page of `rows` after `cursor` (the first page without one) in `order`, and the
    cursor of the next page (None on the last). `order` ends with "pk" or "-pk", so every row
    has a key of its own."""
    page, more = _page(rows, order, cursor, limit)
    return page, (_key(page[-1], order) if more else None)


def feed_page(
    rows: QuerySet, *, order: tuple[str, ...], cursor: str, limit: int
) -> tuple[list, str, bool]:
    """A page of a feed, which grows at its end: as `cursor_page`, but the next cursor is there
    on the last page too (after its last row, or the cursor given when nothing came since), so
    that a client reads on from where it stopped; and whether more rows wait already."""
    page, more = _page(rows, order, cursor, limit)
    return page, (_key(page[-1], order) if page else cursor), more


def _page(rows: QuerySet, order, cursor: str, limit: int) -> tuple[list, bool]:
    if order[-1].lstrip("-") != "pk":
        raise ValueError("order must end with pk or -pk")
    if cursor:
        rows = rows.filter(_after(order, _decode(rows, order, cursor)))
    page = list(rows.order_by(*order)[: limit + 1])
    return page[:limit], len(page) > limit


def _key(row, order) -> str:
    return _encode([_value(row, field.lstrip("-")) for field in order])


def _after(order, values) -> Q:
    """Rows whose key sorts after `values`: first field beyond, or equal and the next beyond…
    The first field's own bound comes first, so that the database walks an index on the order
    from the cursor on (of the alternatives alone, PostgreSQL reads every row and sorts)."""
    conditions, same = [], Q()
    for field, value in zip(order, values, strict=True):
        name = field.lstrip("-")
        beyond = "lt" if field.startswith("-") else "gt"
        conditions.append(same & Q(**{f"{name}__{beyond}": value}))
        same &= Q(**{name: value})
    if len(order) == 1:
        return conditions[0]
    first = order[0].lstrip("-")
    bound = Q(**{f"{first}__{'lte' if order[0].startswith('-') else 'gte'}": values[0]})
    return bound & reduce(or_, conditions)


def _value(row, name: str):
    value = getattr(row, name)
    return value.isoformat() if isinstance(value, datetime) else value


def _encode(values: list) -> str:
    raw = json.dumps(values, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(rows: QuerySet, order, cursor: str) -> list:
    try:
        if len(cursor) > MAX_CURSOR:
            raise ValueError("too long")
        raw = base64.b64decode(cursor + "=" * (-len(cursor) % 4), altchars=b"-_", validate=True)
        values = json.loads(raw)
        if not isinstance(values, list) or len(values) != len(order):
            raise ValueError("not a key of this list")
        return [_field_value(rows, f.lstrip("-"), v) for f, v in zip(order, values, strict=True)]
    except (ValueError, TypeError, OverflowError, ValidationError, binascii.Error):
        raise ApplicationError(
            "The cursor is not valid.", code="invalid", data={"fields": {"cursor": ["invalid"]}}
        ) from None


def _field_value(rows: QuerySet, name: str, value):
    meta = rows.model._meta
    field = meta.pk if name == "pk" else meta.get_field(name)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError("a key holds numbers and text")
    value = field.to_python(value)
    if isinstance(value, int) and abs(value) > LARGEST_ID:
        raise ValueError("no such number")
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("a moment without its time zone")
        value = value.astimezone(UTC)
    return value
