"""Cases over REST: the same services, selectors, forms and scope rules as the web pages."""

from datetime import datetime
from typing import Annotated

from django.http import QueryDict
from ninja import Body, Field, Header, Router, Schema, Status

from api.api import limit_writes
from api.paging import NEXT_CURSOR, cursor_page
from cases import selectors, services
from cases.actions import ACTIONS
from cases.models import Case, Channel
from catalog.models import Item
from core.errors import ApplicationError, NotFound
from orgs.selectors import scope_for
from residents.selectors import homes_of, resident_by_mobile, resident_for_user

router = Router(tags=["cases"])
MAX_LIMIT = 100
Id = Annotated[int, Field(ge=1, le=2**62)]  # database ids: larger numbers cannot exist


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


@router.get("", response=CasePage)
def list_cases(
    request,
    tab: str = "pending",
    status: str = "",
    item: str = "",
    domain: str = "",
    estate_id: Id | None = None,
    channel: str = "",
    q: str = "",
    cursor: str = "",
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT)] = 50,
):
    """Staff: the inbox (tabs and filters as on the web), newest first, cursor-paginated.
    Residents: their own cases."""
    if scope_for(request.user).is_staff:
        item_obj = Item.objects.filter(code=item).first() if item else None
        filters = selectors.InboxFilters(
            tab=tab if tab in selectors.TABS else "pending",
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
    rows, next_cursor = cursor_page(cases, order=("-pk",), cursor=cursor, limit=limit)
    return {"items": [_out(c) for c in rows], "next_cursor": next_cursor}


# What intake reads of a building: its estate's community (the tracking-number prefix) and
# company (dual receipt), and its micro-grid (the case's area).
PLACE = ("estate__community", "estate__company", "microgrid")


@router.post("", response={201: CaseOut})
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
        resident = resident_for_user(user=request.user)
        if resident is None:
            raise NotFound()
        households, buildings = homes_of(resident=resident)
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


@router.get("/{tracking_no}", response=CaseDetailOut)
def case_detail(request, tracking_no: str):
    case, staff = _case_for(request, tracking_no)
    events = selectors.timeline(case=case, public_only=not staff, user=request.user)
    return {
        **_out(case),
        "timeline": [
            {
                "at": e.at,
                "action": e.action,
                "party": e.party,
                "note": e.note,
                "public": e.public,
                "actor": str(e.actor) if e.actor and staff else None,
            }
            for e in events
        ],
    }


@router.post("/{tracking_no}/actions/{action}", response=CaseOut)
def case_action(request, tracking_no: str, action: str, payload: dict = Body(...)):
    """A staff action (accept, first_contact, reply, note, assign, transfer, return,
    rule_return, whistle, extension, decide_extension, supervise, resolve, follow_up, merge,
    reopen, close). The body has the fields of the web form, including `version`, the case
    version the caller saw: a stale version gets 409 and changes nothing."""
    limit_writes(request)
    case, staff = _case_for(request, tracking_no)
    if not staff or action not in ACTIONS:
        raise NotFound()
    spec = ACTIONS[action]
    data = QueryDict(mutable=True)
    for key, value in payload.items():
        if isinstance(value, list):
            data.setlist(key, [str(v) for v in value])
        elif value is not None:
            data[key] = str(value).lower() if isinstance(value, bool) else str(value)
    form = spec.form(data, **spec.form_kwargs(case, request.user))
    if not form.is_valid():
        raise ApplicationError(
            "The request is not valid.",
            code="invalid",
            data={"fields": {k: list(v) for k, v in form.errors.items()}},
        )
    spec.run(case=case, user=request.user, data=form.cleaned_data)
    return _out(selectors.case_as_stored(case=case))


@router.post("/{tracking_no}/rate", response=CaseOut)
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


@router.post("/{tracking_no}/reply", response=CaseOut)
def resident_reply(request, tracking_no: str, payload: TextIn):
    limit_writes(request)
    case, staff = _case_for(request, tracking_no)
    if staff:
        services.case_reply(case=case, actor=request.user, text=payload.text)
    else:
        services.case_resident_reply(case=case, user=request.user, text=payload.text)
    return _out(selectors.case_as_stored(case=case))
