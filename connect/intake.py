"""Orders coming in: a work order another system pushed or a hotline's file held becomes a
case through the one intake (`cases.services.case_submit`), once per order number.

An order is placed from the places it names (our ids, which must lie in the system's scope)
or its address text (`orgs.address`); one that cannot be placed at least at an estate waits
in the community's "needs a place" queue until staff place it, and is filed then with its own
time limits and received time. Its category comes from the system's crosswalk; a code not in
it takes triage's suggestion, for staff to confirm.
"""

import hashlib
import json
import re
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Action, Channel
from cases.services import case_actions_allowed, case_reclassify, case_submit, intake_clocks
from catalog.models import Item
from connect.models import CategoryCode, ConnectedSystem, ExternalOrder
from connect.selectors import order_places_for, system_estates
from core.errors import ApplicationError, Conflict, Forbidden, NotFound
from orgs.address import AddressBook, AddressMatch, address_book, address_match
from orgs.models import Household
from triage.selectors import suggest

MOBILE = re.compile(r"1\d{10}")
# A caller's number: a mobile, or a landline with its area code (0532-83331234).
PHONE = re.compile(r"\+?[\d\-() ]{3,20}")


# 诉求类型 as a hotline writes it, or our codes.
ORDER_TYPES = {
    **{value: value for value in ExternalOrder.OrderType.values},
    "咨询": ExternalOrder.OrderType.ENQUIRY,
    "求助": ExternalOrder.OrderType.HELP,
    "投诉": ExternalOrder.OrderType.COMPLAINT,
    "举报": ExternalOrder.OrderType.TIP_OFF,
    "建议": ExternalOrder.OrderType.SUGGESTION,
}


def local_time(value: datetime | None) -> datetime | None:
    """A time without a zone is Beijing time, as the hotlines write it."""
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


class OrderConflict(Conflict):
    code = "order_conflict"
    default_message = gettext_lazy(
        "An order with this number was received before with other content."
    )


class InvalidOrder(ApplicationError):
    """An order that cannot be taken as sent (a place out of scope, time limits that
    contradict each other): nothing is stored."""

    code = "invalid"
    status = 422


@dataclass(frozen=True)
class OrderData:
    """A work order as a system sends it, its form already checked (lengths, dates, type)."""

    number: str
    content: str
    called_at: datetime | None = None
    caller_name: str = ""
    caller_phone: str = ""
    address: str = ""
    estate_id: int | None = None
    building_id: int | None = None
    household_id: int | None = None
    category_code: str = ""
    category_label: str = ""
    order_type: str = ""  # ExternalOrder.OrderType
    urgency: str = ""
    sign_by: datetime | None = None
    answer_by: datetime | None = None

    def content_hash(self) -> str:
        """The same for the same order whatever time zone its times came in."""
        values = {
            name: value.astimezone(UTC).isoformat() if isinstance(value, datetime) else value
            for name, value in asdict(self).items()
        }
        return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()


class SystemReads:
    """What filing a system's orders reads: the places of its scope, its crosswalk and the
    numbers it sent before. For one pushed order each is read when needed; for a file
    (`numbers`: the file's) all at once, so that a row costs no query but its own writes."""

    def __init__(self, system: ConnectedSystem, *, numbers: list[str] | None = None):
        self.system = system
        self._whole = numbers is not None
        self._book = None
        self._codes = self._known = None
        if self._whole:
            codes = CategoryCode.objects.filter(system=system).select_related("item__domain")
            self._codes = {c.code: c for c in codes}
            self._known = {}
            for start in range(0, len(numbers), 500):
                known = ExternalOrder.objects.filter(
                    system=system, number__in=numbers[start : start + 500]
                )
                self._known.update((order.number, order) for order in known.select_related("case"))

    @property
    def book(self) -> AddressBook:
        if self._book is None:
            if self._whole:
                estates = system_estates(self.system)
                self._book = address_book(estates=estates, households=True)
            else:
                self._book = _book_of(self.system)
        return self._book

    def book_reread(self) -> AddressBook:
        _books.pop(self.system.pk, None)
        self._book = None
        return self.book

    def code(self, code: str) -> CategoryCode | None:
        if self._codes is not None:
            return self._codes.get(code)
        found = CategoryCode.objects.filter(system=self.system, code=code)
        return found.select_related("item__domain").first()

    def code_learnt(self, code: CategoryCode) -> None:
        if self._codes is not None:
            self._codes[code.code] = code

    def known(self, number: str) -> ExternalOrder | None:
        if self._known is not None:
            return self._known.get(number)
        found = ExternalOrder.objects.filter(system=self.system, number=number)
        return found.select_related("case").first()

    def remember(self, order: ExternalOrder) -> None:
        if self._known is not None:
            self._known[order.number] = order


# A system's places change seldom (an administrator adds a building) and its orders come by
# the thousand: each process keeps a system's book, its doors read as addresses reach them,
# for this long.
BOOK_SECONDS = 60.0
_books: dict[int, tuple[float, AddressBook]] = {}


def _book_of(system: ConnectedSystem) -> AddressBook:
    kept = _books.get(system.pk)
    if kept is None or time.monotonic() - kept[0] > BOOK_SECONDS:
        kept = (time.monotonic(), address_book(estates=system_estates(system)))
        _books[system.pk] = kept
    return kept[1]


def books_forget() -> None:
    _books.clear()


def order_known(*, reads: SystemReads, data: OrderData) -> ExternalOrder | None:
    """The order received before under this number, if it said the same; a conflict if not."""
    order = reads.known(data.number)
    return _same(order, data) if order is not None else None


def _same(order: ExternalOrder, data: OrderData) -> ExternalOrder:
    if order.content_hash != data.content_hash():
        raise OrderConflict()
    return order


def order_receive(
    *,
    system: ConnectedSystem,
    data: OrderData,
    source: str = ExternalOrder.Source.API,
    reads: SystemReads | None = None,
    imported_in=None,
    now: datetime | None = None,
) -> tuple[ExternalOrder, bool]:
    """Store an order and file its case, or queue it for a place. Returns the order and
    whether it is new; a retry under the same number returns the order received first (also
    when several arrive at once: its number is unique), and refuses other content."""
    reads = reads or SystemReads(system)
    known = order_known(reads=reads, data=data)
    if known is not None:
        return known, False
    place = order_place_of(reads=reads, data=data)
    order = order_new(system, data, source=source, now=now or timezone.now())
    order.imported_in = imported_in
    try:
        # One transaction (a savepoint inside an import): the case, then the order that
        # claims its number; a number claimed a moment ago undoes the case with it.
        with transaction.atomic():
            if place.placed:
                _file(order, reads=reads, place=place)
            order.save()
    except IntegrityError:
        first = ExternalOrder.objects.filter(system=system, number=data.number)
        first = first.select_related("case").first()
        if first is None:  # not the number: something else the database refused
            raise
        return _same(first, data), False  # the same order, from another request
    reads.remember(order)
    return order, True


def order_new(system, data: OrderData, *, source, now) -> ExternalOrder:
    return ExternalOrder(
        system=system,
        number=data.number,
        state=ExternalOrder.State.NEEDS_PLACE,
        source=source,
        order_type=data.order_type,
        called_at=data.called_at,
        caller_name=data.caller_name,
        caller_phone=data.caller_phone,
        address_text=data.address,
        category_code=data.category_code,
        category_label=data.category_label,
        content=data.content,
        urgency=data.urgency,
        sign_by=data.sign_by,
        answer_by=data.answer_by,
        received_at=now,
        content_hash=data.content_hash(),
    )


def order_place_of(*, reads: SystemReads, data: OrderData) -> AddressMatch:
    """Where an order is: the places it names by our ids (refused unless they lie in the
    system's scope and agree), else what its address text is sure of."""
    if not (data.estate_id or data.building_id or data.household_id):
        return address_match(reads.book, data.address)
    book = reads.book
    missing = (data.estate_id and not book.estate(data.estate_id)) or (
        data.building_id and not book.building(data.building_id)
    )
    if missing:  # perhaps added since the book was read
        book = reads.book_reread()
    estate = book.estate(data.estate_id) if data.estate_id else None
    building = book.building(data.building_id) if data.building_id else None
    household = None
    if data.household_id:
        household = (
            Household.objects.filter(
                pk=data.household_id, unit__building__estate__in=system_estates(reads.system)
            )
            .select_related("unit")
            .first()
        )
        if household is not None:
            household.unit.building = book.building(household.unit.building_id)
    refused = {
        name: [_("Not a place this system may file into.")]
        for name, sent, found in (
            ("estate_id", data.estate_id, estate),
            ("building_id", data.building_id, building),
            ("household_id", data.household_id, household),
        )
        if sent and found is None
    }
    if refused:
        raise InvalidOrder(
            _("The places sent are not in this system's scope."), data={"fields": refused}
        )
    building = household.unit.building if household else building
    if building and building.estate_id != (estate or building.estate).pk:
        raise InvalidOrder(
            _("The building is not in this estate."),
            data={"fields": {"building_id": [_("The building is not in this estate.")]}},
        )
    if household and data.building_id and household.unit.building_id != data.building_id:
        raise InvalidOrder(
            _("The household is not in this building."),
            data={"fields": {"household_id": [_("The household is not in this building.")]}},
        )
    return AddressMatch(
        estate=estate or building.estate,
        building=building,
        unit=household.unit if household else None,
        household=household,
    )


# What filing writes on the order.
FILED_FIELDS = [
    "case",
    "state",
    "item_suggested",
    "own_response_due",
    "own_resolution_due",
    "placed_by",
    "placed_at",
]


def _file(order: ExternalOrder, *, reads: SystemReads, place: AddressMatch, actor=None) -> None:
    """File the order's case where it was placed (by its sender, or by `actor` from the
    queue); the order's `FILED_FIELDS` are the caller's to save."""
    submission, suggested = order_submission(order, reads=reads, place=place)
    order_filed(order, case=case_submit(**submission), suggested=suggested, actor=actor)


def order_submission(
    order: ExternalOrder, *, reads: SystemReads, place: AddressMatch
) -> tuple[dict, bool]:
    """What intake files for an order (`case_submit`'s arguments), and whether its item was
    suggested: at the time it was received, with a hotline's own time limits."""
    system = reads.system
    item, suggested = _item_for(reads, order)
    hotline = system.kind == ConnectedSystem.Kind.HOTLINE
    given = {"response_due": order.sign_by, "resolution_due": order.answer_by} if hotline else {}
    digits = re.sub(r"[\s-]", "", order.caller_phone)
    phone = digits if MOBILE.fullmatch(digits) else order.caller_phone.strip()
    submission = {
        "item": item,
        "description": order.content,
        "channel": Channel.HOTLINE if hotline else Channel.CONNECTED,
        "created_by": system.user,
        "estate": place.estate,
        "building": place.building,
        "household": place.household,
        "location_text": order.address_text[:200],
        "contact_name": order.caller_name[:50],
        "contact_mobile": phone[:20],
        "now": order.received_at,
        "external_no": order.number,
        **given,
    }
    return submission, suggested


def order_filed(order: ExternalOrder, *, case, suggested: bool, actor=None) -> None:
    """The order's side of filing its case (`FILED_FIELDS`, not saved): the case, our own
    clocks beside a hotline's, who placed it."""
    order.case, order.state, order.item_suggested = case, ExternalOrder.State.FILED, suggested
    hotline = order.system.kind == ConnectedSystem.Kind.HOTLINE
    if hotline and (order.sign_by or order.answer_by):
        own_response, own_resolution = intake_clocks(policy=case.sla, now=case.created_at)
        order.own_response_due = own_response.at if own_response else None
        order.own_resolution_due = own_resolution.at
    if actor is not None:
        order.placed_by, order.placed_at = actor, timezone.now()


def _item_for(reads: SystemReads, order: ExternalOrder) -> tuple[Item, bool]:
    """The item the crosswalk maps the order's code to (its label when a file has no codes),
    or, for a code it does not map, triage's suggestion (True: for staff to confirm). A code
    seen for the first time joins the crosswalk unmapped, for the administrator to map."""
    key = (order.category_code or order.category_label)[:64]
    code = reads.code(key) if key else None
    # A mapping to an item nobody can request (retired, or information only) is no mapping:
    # the order is never refused for what our crosswalk says.
    if code and code.item_id and code.item.is_active and code.item.kind != Item.Kind.INFO:
        return code.item, False
    if key and code is None:
        code, _created = CategoryCode.objects.get_or_create(
            system=reads.system, code=key, defaults={"label": order.category_label[:200]}
        )
        reads.code_learnt(code)
    top = suggest(text=order.content, k=3)
    for ranked in top.ranked:
        if ranked.item.kind == Item.Kind.APPEAL:
            return ranked.item, True
    # No model trained yet: the first problem of the published lists, confirmed by staff.
    fallback = Item.objects.filter(kind=Item.Kind.APPEAL, is_active=True).order_by("code")
    return fallback.select_related("domain").first(), True


@transaction.atomic
def order_place(*, order: ExternalOrder, actor, estate, building=None, household=None) -> None:
    """Staff say where a queued order is, within their own scope; its case is filed then.
    Two people placing one order at once: the second is told it was placed."""
    places = order_places_for(user=actor, order=order)
    if not places.estates.filter(pk=estate.pk).exists():
        raise NotFound()
    if building is not None and not places.buildings.filter(pk=building.pk, estate=estate).exists():
        raise ApplicationError(_("Choose a building of this estate."), code="invalid")
    if household is not None:
        if building is None or household.unit.building_id != building.pk:
            raise ApplicationError(_("Choose a household of this building."), code="invalid")
        if not places.households.filter(pk=household.pk).exists():
            raise ApplicationError(_("Choose a household of this building."), code="invalid")
    claimed = ExternalOrder.objects.filter(pk=order.pk, state=ExternalOrder.State.NEEDS_PLACE)
    if claimed.update(state=ExternalOrder.State.FILED) != 1:
        raise Conflict(_("This order was placed by someone else a moment ago."))
    place = AddressMatch(estate=estate, building=building, household=household)
    _file(order, reads=SystemReads(order.system), place=place, actor=actor)
    order.save(update_fields=FILED_FIELDS)


@transaction.atomic
def order_item_confirm(*, order: ExternalOrder, actor, item: Item, now=None) -> None:
    """Staff confirm (or correct) the item triage suggested for an order's case."""
    case = order.case
    if Action.RECLASSIFY not in case_actions_allowed(case=case, actor=actor):
        raise Forbidden()
    if item.pk != case.item_id:
        case_reclassify(case=case, actor=actor, item=item, now=now)
    confirmed = ExternalOrder.objects.filter(pk=order.pk, item_confirmed_at__isnull=True)
    if not confirmed.update(item_confirmed_at=now or timezone.now(), item_confirmed_by=actor):
        raise Conflict(_("The category was confirmed by someone else a moment ago."))
