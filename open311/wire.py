"""Reading GeoReport v2 input: parameters, dates, coordinates, attributes, contact, photos.

Everything here is syntax only (no database): a malformed value becomes one message of an
`InvalidRequest`, so a client gets every problem of its call at once (400).
"""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import ApplicationError

DESCRIPTION_MAX = 4000  # characters, per the standard
MEDIA_URLS_MAX = 9
MEDIA_URL_MAX_LENGTH = 200
IDEMPOTENCY_KEY_MAX = 64  # Case.idempotency_key
WINDOW = timedelta(days=90)  # the default and the longest date range of a query
REQUESTS_MAX = 1000  # the most requests one query returns
IDS_MAX = 1000


class InvalidRequest(ApplicationError):
    """One or more problems with the input: each becomes an `error` of the response."""

    code = "invalid_request"
    status = 400
    default_message = gettext_lazy("The request could not be completed.")

    def __init__(self, errors):
        self.errors = [str(e) for e in errors] or [str(self.default_message)]
        super().__init__(self.errors[0])


class Params:
    """Request parameters from the form body, then the query string.

    A parameter sent with an empty (or blank) value counts as not sent at all.
    """

    def __init__(self, request):
        self.sources = [request.POST, request.GET] if request.method == "POST" else [request.GET]

    def get(self, name: str) -> str | None:
        values = self.getlist(name)
        return values[0] if values else None

    def getlist(self, name: str) -> list[str]:
        return [value for source in self.sources for value in _values(source, name)]

    def attributes(self) -> dict[str, list[str]]:
        """`attribute[CODE]=v` and `attribute[CODE][]=v`, each possibly repeated."""
        found: dict[str, list[str]] = {}
        for source in self.sources:
            for key in source:
                match = ATTRIBUTE_KEY.fullmatch(key)
                values = _values(source, key)
                if match and values:
                    found.setdefault(clean_text(match.group(1)), []).extend(values)
        return found


def clean_text(value: str) -> str:
    """Without NUL characters (PostgreSQL refuses them) and surrounding blanks."""
    return value.replace("\x00", "").strip()


def _values(source, name: str) -> list[str]:
    return [v for v in (clean_text(value) for value in source.getlist(name)) if v]


ATTRIBUTE_KEY = re.compile(r"attribute\[([^\[\]]{1,64})\](?:\[\])?")

# W3C-DTF with seconds optional, fractions optional and the zone mandatory. A "+" in a query
# string decodes to a space, so "...T09:00:00 08:00" means +08:00.
W3C_DATETIME = re.compile(
    r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)"
    r"(Z|z|[+\- ]\d{2}:?\d{2})"
)


def parse_datetime(value: str) -> datetime:
    """A W3C date-time with a zone; raises ValueError otherwise."""
    match = W3C_DATETIME.fullmatch(value.strip())
    if match is None:
        raise ValueError(value)
    stamp, zone = match.groups()
    if zone in ("Z", "z"):
        zone = "+00:00"
    elif zone[0] == " ":
        zone = "+" + zone[1:]
    if ":" not in zone:
        zone = f"{zone[:3]}:{zone[3:]}"
    if "." in stamp:  # fromisoformat takes 3 or 6 fraction digits only
        whole, fraction = stamp.split(".")
        stamp = f"{whole}.{(fraction + '000000')[:6]}"
    return datetime.fromisoformat(stamp + zone)


def date_in_range(value: datetime) -> bool:
    """Years the database and a 90-day window can hold on both sides of UTC."""
    return 1900 <= value.year <= 2999


def parse_coordinate(value: str, *, limit: int) -> Decimal:
    number = Decimal(value)
    if not number.is_finite() or abs(number) > limit:
        raise ValueError(value)
    return number.quantize(Decimal("0.000001"))


# ---------------------------------------------------------------------------------------------
# POST /requests


@dataclass(frozen=True)
class NewRequest:
    service_code: str
    description: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    address_id: str | None = None
    address_string: str | None = None
    attributes: dict[str, list[str]] = field(default_factory=dict)
    contact_name: str = ""
    contact_mobile: str = ""
    media_urls: tuple[str, ...] = ()
    idempotency_key: str | None = None


def new_request(params: Params, *, headers) -> NewRequest:
    """Check the syntax of a create call; raise InvalidRequest listing every problem."""
    errors = []
    service_code = params.get("service_code")
    if not service_code:
        errors.append(_("service_code is missing."))

    description = params.get("description") or ""
    if len(description) > DESCRIPTION_MAX:
        errors.append(
            _("description may have at most %(max)d characters.") % {"max": DESCRIPTION_MAX}
        )

    latitude, longitude, address_id, address_string = _location(params, errors)

    media_urls = params.getlist("media_url")
    if len(media_urls) > MEDIA_URLS_MAX:
        errors.append(_("At most %(max)d media_url can be sent.") % {"max": MEDIA_URLS_MAX})
    for url in media_urls:
        if not _is_web_url(url):
            errors.append(_("media_url must be an http or https address."))
            break

    if errors:
        raise InvalidRequest(errors)
    name, mobile = contact_from(
        first_name=params.get("first_name") or "",
        last_name=params.get("last_name") or "",
        phone=params.get("phone") or "",
        email=params.get("email") or "",
    )
    return NewRequest(
        service_code=service_code,
        description=description,
        latitude=latitude,
        longitude=longitude,
        address_id=address_id,
        address_string=address_string,
        attributes=params.attributes(),
        contact_name=name,
        contact_mobile=mobile,
        media_urls=tuple(media_urls),
        idempotency_key=idempotency_key(
            headers.get("Idempotency-Key", "").strip() or params.get("idempotency_key")
        ),
    )


def _location(params: Params, errors: list) -> tuple:
    """Where, as sent: lat and long together, an address_string or an address_id (or several);
    problems are added to `errors`."""
    lat, long = params.get("lat"), params.get("long")
    latitude = longitude = None
    if bool(lat) != bool(long):
        errors.append(_("lat and long must be sent together."))
    elif lat:
        try:
            latitude = parse_coordinate(lat, limit=90)
        except (ValueError, InvalidOperation):
            errors.append(_("lat must be a number of degrees between -90 and 90."))
        try:
            longitude = parse_coordinate(long, limit=180)
        except (ValueError, InvalidOperation):
            errors.append(_("long must be a number of degrees between -180 and 180."))
    address_id = params.get("address_id")
    address_string = params.get("address_string")
    if not (lat or long or address_id or address_string):
        errors.append(_("A location is missing: send lat and long, address_string or address_id."))
    if address_string and len(address_string) > 200:
        errors.append(_("address_string may have at most %(max)d characters.") % {"max": 200})
    return latitude, longitude, address_id, address_string


_url_validator = URLValidator(schemes=["http", "https"])


def _is_web_url(url: str) -> bool:
    if len(url) > MEDIA_URL_MAX_LENGTH:
        return False
    try:
        _url_validator(url)
    except ValidationError:
        return False
    return True


def idempotency_key(value: str | None) -> str | None:
    """The client's key as stored on the case (long keys are hashed to fit)."""
    if not value:
        return None
    if len(value) > IDEMPOTENCY_KEY_MAX:
        return hashlib.sha256(value.encode()).hexdigest()
    return value


CJK = re.compile(r"[\u3400-\u9fff]")
MAINLAND_MOBILE = re.compile(r"1[3-9]\d{9}")


def contact_from(*, first_name: str, last_name: str, phone: str, email: str) -> tuple[str, str]:
    """The case's contact name and mobile number.

    Chinese names are written family name first, without a space. A phone that is not a
    mainland mobile number (and the e-mail, when there is no phone) is kept beside the name,
    since the case has no other field for it.
    """
    if CJK.search(first_name + last_name):
        name = f"{last_name}{first_name}"
    else:
        name = " ".join(part for part in (first_name, last_name) if part)
    digits = re.sub(r"\D", "", phone)
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
    mobile = digits if MAINLAND_MOBILE.fullmatch(digits) else ""
    extras = [phone if phone and not mobile else "", email if not phone else ""]
    contact = " · ".join(part for part in (name, *extras) if part)
    return contact[:50], mobile


def photos(request) -> list:
    """Uploaded photos: the `media` part (three) and `photo1`…`photoN` (FixMyStreet)."""
    names = [key for key in request.FILES if key in ("media", "media[]", "photo", "photo[]")]
    numbered = sorted(
        (key for key in request.FILES if re.fullmatch(r"photo\d{1,3}", key)),
        key=lambda key: int(key[5:]),
    )
    return [upload for key in names + numbered for upload in request.FILES.getlist(key)]


# ---------------------------------------------------------------------------------------------
# GET /requests


@dataclass(frozen=True)
class RequestQuery:
    ids: tuple[str, ...] | None = None  # tracking numbers: when given, nothing else filters
    service_codes: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: frozenset = frozenset()  # {"open", "closed"}; empty means all
    page: int = 1
    page_size: int = REQUESTS_MAX


def request_query(params: Params, *, now: datetime) -> RequestQuery:
    """Filters of a query; the date window defaults to the last 90 days and may not be longer."""
    ids = params.get("service_request_id")
    if ids:
        tracking = tuple(dict.fromkeys(t.strip() for t in ids.split(",") if t.strip()))
        return RequestQuery(ids=tracking[:IDS_MAX])

    errors = []
    dates = _dates(params, errors)
    statuses = frozenset(s.strip().lower() for s in (params.get("status") or "").split(","))
    statuses -= {""}
    if statuses - {"open", "closed"}:
        errors.append(_("status may be open, closed or both (comma-separated)."))
    page, page_size = _paging(params, errors)
    if errors:
        raise InvalidRequest(errors)
    start, end = _window(dates, now=now)
    codes = tuple(c.strip() for c in (params.get("service_code") or "").split(",") if c.strip())
    return RequestQuery(
        service_codes=codes,
        start=start,
        end=end,
        statuses=statuses,
        page=page,
        page_size=page_size,
    )


def _dates(params: Params, errors: list) -> dict[str, datetime]:
    """`start_date` and `end_date` as sent (each may be missing)."""
    dates = {}
    for name in ("start_date", "end_date"):
        value = params.get(name)
        if value:
            try:
                dates[name] = parse_datetime(value)
            except ValueError:
                errors.append(
                    _("%(name)s must be a W3C date-time with a time zone, e.g. %(example)s.")
                    % {"name": name, "example": "2026-03-05T09:30:00+08:00"}
                )
    return dates


def _window(dates: dict[str, datetime], *, now: datetime) -> tuple[datetime, datetime]:
    """The dates' window: the last 90 days by default, and never longer."""
    if not all(date_in_range(value) for value in dates.values()):
        raise InvalidRequest([_("The dates are out of range.")])
    start, end = dates.get("start_date"), dates.get("end_date")
    if start is None and end is None:
        start, end = now - WINDOW, now
    elif end is None:
        end = start + WINDOW
    elif start is None:
        start = end - WINDOW
    if end < start:
        raise InvalidRequest([_("end_date must not be earlier than start_date.")])
    if end - start > WINDOW:
        raise InvalidRequest(
            [_("The date range may span at most %(days)d days.") % {"days": WINDOW.days}]
        )
    return start, end


def _paging(params: Params, errors: list) -> tuple[int, int]:
    page = _positive_int(params.get("page"), default=1, name="page", errors=errors)
    page_size = _positive_int(
        params.get("page_size"), default=REQUESTS_MAX, name="page_size", errors=errors
    )
    return page, min(page_size, REQUESTS_MAX)


# ---------------------------------------------------------------------------------------------
# servicerequestupdates (mySociety's extension, as FixMyStreet's Open311 adapter calls it)


@dataclass(frozen=True)
class UpdateQuery:
    start: datetime
    end: datetime
    page: int = 1
    page_size: int = REQUESTS_MAX


def update_query(params: Params, *, now: datetime) -> UpdateQuery:
    """The window of a GET: `start_date` to `end_date`, as for requests."""
    errors = []
    dates = _dates(params, errors)
    page, page_size = _paging(params, errors)
    if errors:
        raise InvalidRequest(errors)
    start, end = _window(dates, now=now)
    return UpdateQuery(start=start, end=end, page=page, page_size=page_size)


@dataclass(frozen=True)
class NewUpdate:
    service_request_id: str
    update_id: str  # the client's own id of the update: a retry adds nothing
    description: str


UPDATE_DESCRIPTION_MAX = 2000  # a reply on the timeline
UPDATE_ID_MAX = 64


def new_update(params: Params) -> NewUpdate:
    """Check a POST of an update; raise InvalidRequest listing every problem. What it says
    besides its text (status, names, e-mail, media) is not kept: the reply is the resident's
    words on the timeline."""
    errors = []
    service_request_id = params.get("service_request_id")
    if not service_request_id:
        errors.append(_("service_request_id is missing."))
    update_id = params.get("update_id")
    if not update_id:
        errors.append(_("update_id is missing."))
    elif len(update_id) > UPDATE_ID_MAX:
        errors.append(_("update_id may have at most %(max)d characters.") % {"max": UPDATE_ID_MAX})
    description = params.get("description")
    if not description:
        errors.append(_("description is missing."))
    elif len(description) > UPDATE_DESCRIPTION_MAX:
        errors.append(
            _("description may have at most %(max)d characters.") % {"max": UPDATE_DESCRIPTION_MAX}
        )
    if errors:
        raise InvalidRequest(errors)
    return NewUpdate(
        service_request_id=service_request_id, update_id=update_id, description=description
    )


def _positive_int(value, *, default: int, name: str, errors: list) -> int:
    if value is None:
        return default
    if not re.fullmatch(r"\d{1,9}", value) or int(value) < 1:
        errors.append(_("%(name)s must be a whole number from 1.") % {"name": name})
        return default
    return int(value)
