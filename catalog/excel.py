"""Excel export and import of the catalogue items (openpyxl).

An import validates every row first and changes nothing unless every row is good.
Export followed by import changes nothing.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from io import BytesIO

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from catalog.models import Category, Domain, Item, ServiceList, SlaPolicy
from core.uploads import UploadRefused, upload_read

COLUMNS = [
    "code",
    "list",
    "category",
    "domain",
    "name",
    "name_en",
    "description",
    "kind",
    "provider",
    "fee",
    "fee_note",
    "service_hours",
    "booking_hours",
    "how_to_request",
    "sla",
    "keywords",
    "published",
]
REQUIRED = {"code", "list", "category", "domain", "name", "kind", "provider", "sla"}
OPTIONAL = {"name_en", "booking_hours"}  # sheets exported before they existed still import
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
TRUE_WORDS = {"1", "true", "yes", "是", "y"}
FALSE_WORDS = {"0", "false", "no", "否", "n"}


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row number, reason)


def catalogue_export() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "items"
    sheet.append(COLUMNS)
    items = Item.objects.select_related("service_list", "category", "domain", "sla").order_by(
        "code"
    )
    for item in items:
        sheet.append(
            [
                item.code,
                item.service_list.code,
                item.category.code,
                item.domain.code,
                item.name,
                item.name_en,
                item.description,
                item.kind,
                item.provider,
                f"{item.fee:.2f}" if item.fee is not None else "",
                item.fee_note,
                item.service_hours,
                item.booking_hours,
                item.how_to_request,
                item.sla.code,
                item.keywords,
                "1" if item.is_active else "0",
            ]
        )
    help_sheet = workbook.create_sheet("help")
    help_sheet.append(["column", "allowed values"])
    help_sheet.append(
        ["name_en", "optional: the name on pages in English; blank = the Chinese name"]
    )
    help_sheet.append(["list", " ".join(ServiceList.objects.values_list("code", flat=True))])
    help_sheet.append(["category", " ".join(Category.objects.values_list("code", flat=True))])
    help_sheet.append(["domain", " ".join(Domain.objects.values_list("code", flat=True))])
    help_sheet.append(["kind", " ".join(Item.Kind.values)])
    help_sheet.append(["provider", " ".join(Item.Provider.values)])
    help_sheet.append(["sla", " ".join(SlaPolicy.objects.values_list("code", flat=True))])
    help_sheet.append(["fee", "blank = free; otherwise a price in yuan, e.g. 30.00"])
    help_sheet.append(["published", "1 or 0"])
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class _RowError(Exception):
    pass


class _Lookups:
    def __init__(self):
        self.lists = {s.code: s for s in ServiceList.objects.all()}
        self.categories = {c.code: c for c in Category.objects.all()}
        self.domains = {d.code: d for d in Domain.objects.all()}
        self.policies = {p.code: p for p in SlaPolicy.objects.all()}
        self.items = {i.code: i for i in Item.objects.all()}

    def get(self, table: dict, value: str, column: str):
        if value not in table:
            raise _RowError(
                _("unknown %(column)s “%(value)s”") % {"column": column, "value": value}
            )
        return table[value]


def _item_from_row(values: dict, lookups: _Lookups) -> Item:
    missing = [c for c in COLUMNS if c in REQUIRED and not values[c]]
    if missing:
        raise _RowError(_("missing %(columns)s") % {"columns": ", ".join(missing)})
    try:
        fee = Decimal(values["fee"]) if values["fee"] else None
    except InvalidOperation:
        raise _RowError(_("fee “%(value)s” is not a number") % {"value": values["fee"]}) from None
    if fee is not None and (fee < 0 or fee != fee.quantize(Decimal("0.01"))):
        raise _RowError(_("fee must be zero or more with at most two decimals"))
    published = values["published"].lower() or "1"
    if published not in TRUE_WORDS | FALSE_WORDS:
        raise _RowError(_("published must be 1 or 0"))
    item = lookups.items.get(values["code"]) or Item(code=values["code"])
    item.service_list = lookups.get(lookups.lists, values["list"], "list")
    item.category = lookups.get(lookups.categories, values["category"], "category")
    item.domain = lookups.get(lookups.domains, values["domain"], "domain")
    item.sla = lookups.get(lookups.policies, values["sla"], "sla")
    item.fee = fee
    item.is_active = published in TRUE_WORDS
    for name in (
        "name",
        "name_en",
        "description",
        "kind",
        "provider",
        "fee_note",
        "service_hours",
        "booking_hours",
        "how_to_request",
        "keywords",
    ):
        if name in values:
            setattr(item, name, values[name])
    try:
        item.full_clean(validate_unique=False)
    except ValidationError as exc:
        reasons = [f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()]
        raise _RowError("; ".join(reasons)) from None
    return item


def _rows(upload):
    """Yield (row number, values) from the first sheet, refusing what we cannot trust."""
    try:
        data = upload_read(upload=upload, max_bytes=MAX_BYTES)
    except UploadRefused as refused:
        raise _RowError(refused.message) from None
    try:
        workbook = load_workbook(BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise _RowError(_("This is not an Excel (.xlsx) file.")) from None
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows()
    header = [_text(c.value) for c in next(rows, [])]
    missing = [c for c in COLUMNS if c not in header and c not in OPTIONAL]
    if missing:
        raise _RowError(
            _("The header row lacks the columns: %(columns)s") % {"columns": ", ".join(missing)}
        )
    positions = {c: header.index(c) for c in COLUMNS if c in header}
    for number, row in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            raise _RowError(_("The sheet has more than %(max)d rows.") % {"max": MAX_ROWS})
        cells = list(row)
        if all(c.value in (None, "") for c in cells):
            continue
        if any(c.data_type == "f" for c in cells):
            yield number, None
            continue
        yield (
            number,
            {c: _text(cells[p].value) if p < len(cells) else "" for c, p in positions.items()},
        )


def catalogue_import(*, upload) -> ImportResult:
    result = ImportResult()
    lookups = _Lookups()
    items, seen = [], {}
    try:
        for number, values in _rows(upload):
            if values is None:
                result.errors.append((number, _("formulas are not allowed")))
                continue
            try:
                if values["code"] in seen:
                    raise _RowError(
                        _("code %(code)s repeats row %(row)d")
                        % {"code": values["code"], "row": seen[values["code"]]}
                    )
                seen[values["code"]] = number
                items.append(_item_from_row(values, lookups))
            except _RowError as error:
                result.errors.append((number, str(error)))
    except _RowError as error:
        result.errors.append((0, str(error)))
    if not result.errors:
        names = {}
        for number, item in zip(seen.values(), items, strict=True):
            key = (item.service_list.code, item.name)
            if key in names:
                result.errors.append(
                    (
                        number,
                        _("name “%(name)s” repeats row %(row)d in its list")
                        % {"name": item.name, "row": names[key]},
                    )
                )
            names[key] = number
    if result.errors:
        return result
    try:
        with transaction.atomic():
            for item in items:
                if item.pk:
                    result.updated += 1
                else:
                    result.created += 1
                item.save()
    except IntegrityError:
        return ImportResult(errors=[(0, _("A name is already used by another item in its list."))])
    return result
