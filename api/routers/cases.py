"""Cases over REST: the same services, selectors, forms and scope rules as the web pages."""

from datetime import UTC, datetime
from typing import Annotated

from ninja import Field, Header, Query, Router, Schema, Status
from pydantic import AfterValidator, AwareDatetime

from api.api import errors, limit_writes
from api.formschema import Id, form_data, form_schema
from api.paging import FEED_CURSOR, NEXT_CURSOR, cursor_page, feed_page
from cases import selectors, services
from cases.actions import ACTIONS
from cases.models import Case, Channel
from catalog.models import Item
from core.errors import ApplicationError, NotFound
from orgs.selectors import scope_for
from residents.selectors import homes_of, resident_by_mobile, resident_for_user

router = Router(tags=["cases"])
MAX_LIMIT = 100
Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT)]


def _in_utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+14:00 is before the first instant there is
        raise ValueError("out of range") from None


Instant = Annotated[AwareDatetime, AfterValidator(_in_utc)]


class EventOut(Schema):
    at: datetime
    action: str
    party: str
    note: str
    public: bool
    actor: str | None


class CaseOut(Schema):
    id: int
    tracking_no: str
    external_no: str = Field(description="The number of the connected system that sent it")
    kind: str
    status: str
    priority: str
    channel: str
    item: str
    domain: str
    description: str
    estate_id: int
    building_id: int | None
    owner_unit: str
    level: int
    lead_party: str
    version: int
    created_at: datetime
    response_due: datetime | None
    resolution_due: datetime
    resolved_at: datetime | None
    rating: str


class CaseDetailOut(CaseOut):
    timeline: list[EventOut]


class FeedEventOut(EventOut):
    id: int
    tracking_no: str


class EventPage(Schema):
    items: list[FeedEventOut]
    next_cursor: str = Field(..., description=FEED_CURSOR)
    has_more: bool = Field(..., description="More events wait already: read on at once.")


class CasePage(Schema):
    items: list[CaseOut]
    next_cursor: str | None = Field(None, description=NEXT_CURSOR)


class CaseIn(Schema):
    item: str = Field(..., description="Catalogue item code, e.g. RB15")
    description: str = Field(..., max_length=2000)
    estate_id: Id | None = None
    building_id: Id | None = None
    household_id: Id | None = None
    location_text: str = Field("", max_length=200)
    contact_name: str = Field("", max_length=50)
    contact_mobile: str = Field("", max_length=11)
    resident_mobile: str = Field("", max_length=11, description="Staff: the resident reporting")
    channel: str = Field("api", description="Staff: phone, walk_in, door_knock or api")
    preferred_time: datetime | None = None


class RateIn(Schema):
    rating: str
    comment: str = Field("", max_length=500)
    reopen: bool = False


class TextIn(Schema):
    text: str = Field(..., max_length=2000)


def _out(case: Case) -> dict:
    return {
        **{
            f: getattr(case, f)
            for f in (
                "id",
                "tracking_no",
                "external_no",
                "kind",
                "status",
                "priority",
                "channel",
                "description",
                "estate_id",
                "building_id",
                "level",
                "lead_party",
                "version",
                "created_at",
                "response_due",
                "resolution_due",
                "resolved_at",
                "rating",
            )
        },
        "item": case.item.code,
        "domain": case.domain.code,
        "owner_unit": case.owner_unit.name,
    }


def _case_for(request, tracking_no: str) -> tuple[Case, bool]:
    """A case by tracking number, for staff in scope or for the resident who reported it."""
    if scope_for(request.user).is_staff:
        found = selectors.cases_in_scope(user=request.user).filter(tracking_no=tracking_no)
        found = found.values_list("pk", flat=True).first()
        if found is None:
            raise NotFound()
        return selectors.case_get_for(user=request.user, case_id=found), True
    return selectors.resident_case_get(user=request.user, tracking_no=tracking_no), False


@router.get("", response={200: CasePage, **errors(401, 422)})
def list_cases(
    request,
    tab: str = "",
    status: str = "",
    item: str = "",
    domain: str = "",
    estate_id: Id | None = None,
    channel: str = "",
    q: str = "",
    updated_since: Instant | None = Query(
        None,
        description="Only the cases changed at or after this instant (ISO 8601 with its time "
        "zone), oldest change first: sync by passing the time of your last read.",
    ),
    cursor: str = "",
    limit: Limit = 50,
):
    """Staff: the inbox (tabs and filters as on the web), newest first, cursor-paginated.
    Residents: their own cases. With `updated_since`: the cases changed since, oldest change
    first, of every tab unless one is named."""
    if scope_for(request.user).is_staff:
        item_obj = Item.objects.filter(code=item).first() if item else None
        filters = selectors.InboxFilters(
            tab=tab if tab in selectors.TABS else ("all" if updated_since else "pending"),
            status=status,
            item_id=item_obj.pk if item_obj else (0 if item else None),
            domain_code=domain,
            estate_id=estate_id,
            channel=channel,
            query=q[:50],
        )
        cases = selectors.inbox(user=request.user, filters=filters)
    else:
        cases = selectors.resident_cases(user=request.user).select_related("domain", "owner_unit")
    order = ("-pk",)
    if updated_since:
        cases, order = cases.filter(updated_at__gte=updated_since), ("updated_at", "pk")
    rows, next_cursor = cursor_page(cases, order=order, cursor=cursor, limit=limit)
    return {"items": [_out(c) for c in rows], "next_cursor": next_cursor}


@router.get("/events", response={200: EventPage, **errors(401, 422)})
def list_events(request, cursor: str = "", limit: Limit = 50):
    """The timeline events of the cases you see, in the order they were committed, each as the
    case page shows it to you (staff: internal notes too, community-only ones on the community
    side; residents: the public events of their own cases). Keep the last `next_cursor` to
    read only what came since: an event committed later is never sorted before it."""
    events = selectors.events_in_scope(user=request.user)
    rows, next_cursor, more = feed_page(
        events, order=selectors.EVENTS_COMMIT_ORDER, cursor=cursor, limit=limit
    )
    staff = scope_for(request.user).is_staff
    items = [{**_event_out(e, staff), "id": e.pk, "tracking_no": e.case.tracking_no} for e in rows]
    return {"items": items, "next_cursor": next_cursor, "has_more": more}


def _event_out(event, staff: bool) -> dict:
    return {
        "at": event.at,
        "action": event.action,
        "party": event.party,
        "note": event.note,
        "public": event.public,
        "actor": str(event.actor) if event.actor and staff else None,
    }


# What intake reads of a building: its estate's community (the tracking-number prefix) and
# company (dual receipt), and its micro-grid (the case's area).
PLACE = ("estate__community", "estate__company", "microgrid")


@router.post("", response={201: CaseOut, **errors(401, 403, 404, 422, 429)})
def create_case(
    request, payload: CaseIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key")
):
    """Report a problem or book a service. Retrying with the same Idempotency-Key returns the
    first case instead of creating a second."""
    limit_writes(request)
    scope = scope_for(request.user)
    item = (
        Item.objects.filter(code=payload.item, is_active=True)
        .select_related("domain", "sla")
        .first()
    )
    if item is None:
        raise ApplicationError(
            "Unknown item.", code="invalid", data={"fields": {"item": ["unknown item"]}}
        )
    resident, channel = None, Channel.API
    if scope.is_staff:
        households, buildings = scope.households(), scope.buildings()
        if payload.resident_mobile:
            resident = resident_by_mobile(mobile=payload.resident_mobile)
        if payload.channel in (Channel.PHONE, Channel.WALK_IN, Channel.DOOR_KNOCK):
            channel = payload.channel
    else:
        resident = resident_for_user(user=request.user, with_ties=False)
        if resident is None:
            raise NotFound()
        households, buildings = homes_of(resident=resident)
    household, building = _place(payload, households=households, buildings=buildings)
    case = services.case_submit(
        item=item,
        description=payload.description,
        channel=channel,
        created_by=request.user,
        resident=resident,
        estate=building.estate,
        building=building,
        household=household,
        location_text=payload.location_text,
        contact_name=payload.contact_name,
        contact_mobile=payload.contact_mobile,
        idempotency_key=(idempotency_key or "")[:64] or None,
        preferred_time=payload.preferred_time,
    )
    return Status(201, _out(case))  # as stored: item, domain and unit are the ones it was given


def _place(payload: CaseIn, *, households, buildings):
    """The household or building the case is about, among those the caller may report for."""
    household = building = None
    if payload.household_id:
        household = (
            households.filter(pk=payload.household_id)
            .select_related(*(f"unit__building__{name}" for name in PLACE))
            .first()
        )
        building = household.unit.building if household else None
    elif payload.building_id:
        building = buildings.filter(pk=payload.building_id).select_related(*PLACE).first()
    if building is None:
        raise ApplicationError(
            "Say where: a household or building in your area.",
            code="invalid",
            data={"fields": {"building_id": ["unknown or out of scope"]}},
        )
    return household, building


@router.get("/{tracking_no}", response={200: CaseDetailOut, **errors(401, 404)})
def case_detail(request, tracking_no: str):
    case, staff = _case_for(request, tracking_no)
    events = selectors.timeline(case=case, public_only=not staff, user=request.user)
    return {**_out(case), "timeline": [_event_out(e, staff) for e in events]}


def _act(request, tracking_no: str, action: str, payload: Schema):
    """A staff action: the body through the action's web form, then its service."""
    limit_writes(request)
    case, staff = _case_for(request, tracking_no)
    if not staff:
        raise NotFound()
    spec = ACTIONS[action]
    form = spec.form(form_data(payload), **spec.form_kwargs(case, request.user))
    if not form.is_valid():
        raise ApplicationError(
            "The request is not valid.",
            code="invalid",
            data={"fields": {k: list(v) for k, v in form.errors.items()}},
        )
    spec.run(case=case, user=request.user, data=form.cleaned_data)
    return _out(selectors.case_as_stored(case=case))


def _action_operation(action: str, spec) -> None:
    body = form_schema(spec.form, name="".join(w.title() for w in action.split("_")) + "In")

    def operation(request, tracking_no: str, payload: body):
        return _act(request, tracking_no, action, payload)

    router.post(
        f"/{{tracking_no}}/actions/{action}",
        response={200: CaseOut, **errors(401, 403, 404, 409, 422, 429)},
        operation_id=f"case_action_{action}",
        summary=spec.label,
        description="A staff action with the fields of its web form. `version` is the case "
        "version the caller saw: a stale version gets 409 and changes nothing.",
    )(operation)


for _name, _spec in ACTIONS.items():
    _action_operation(_name, _spec)


@router.post("/{tracking_no}/actions/{action}", include_in_schema=False)
def unknown_action(request, tracking_no: str, action: str):
    """No such action: as missing as a case out of scope."""
    raise NotFound()


@router.post("/{tracking_no}/rate", response={200: CaseOut, **errors(401, 403, 404, 409, 422, 429)})
def rate(request, tracking_no: str, payload: RateIn):
    """The resident rates their resolved case: satisfied, basic or dissatisfied."""
    limit_writes(request)
    case, staff = _case_for(request, tracking_no)
    services.case_rate(
        case=case,
        user=request.user,
        rating=payload.rating,
        comment=payload.comment,
        reopen=payload.reopen,
    )
    return _out(selectors.case_as_stored(case=case))


@router.post(
    "/{tracking_no}/reply", response={200: CaseOut, **errors(401, 403, 404, 409, 422, 429)}
)
def resident_reply(request, tracking_no: str, payload: TextIn):
    limit_writes(request)
    case, staff = _case_for(request, tracking_no)
    if staff:
        services.case_reply(case=case, actor=request.user, text=payload.text)
    else:
        services.case_resident_reply(case=case, user=request.user, text=payload.text)
    return _out(selectors.case_as_stored(case=case))
