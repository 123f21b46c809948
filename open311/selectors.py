"""Reads for the Open311 endpoint: jurisdictions, services, places and public requests.

Jurisdiction ids: a community is named by its abbreviation in lower case (``fc`` for 方城路社区,
whose tracking numbers start with FC) or by its 15-digit official grid code; matching ignores
case. A community with neither has no id: calls about it send no ``jurisdiction_id``.
"""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.admin.models import LogEntry
from django.db.models import Max, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from cases.models import OPEN_STATUSES, Action, Case, CaseEvent, Participant, Party
from cases.selectors import PUBLIC_CASES, published_photos
from catalog.models import Item
from core.errors import NotFound
from open311.wire import RequestQuery, UpdateQuery
from orgs.models import Building, Household, OrgUnit, Unit
from orgs.selectors import Place, place_in_text

# The date this endpoint's discovery document last changed (bump it with the document).
DISCOVERY_CHANGED = datetime(2026, 11, 26, 0, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


# ---------------------------------------------------------------------------------------------
# Jurisdictions


def jurisdiction_ids(community: OrgUnit) -> set[str]:
    return {v.lower() for v in (community.abbr, community.grid_code) if v}


def jurisdiction_resolve(*, jurisdiction_id: str | None) -> OrgUnit | None:
    """The community named, or None (all communities) when no id is sent; unknown → 404."""
    if not jurisdiction_id:
        return None
    value = jurisdiction_id.strip()
    community = (
        OrgUnit.objects.filter(kind=OrgUnit.Kind.COMMUNITY)
        .filter(Q(abbr__iexact=value) | Q(grid_code=value))
        .order_by("path")
        .first()
    )
    if community is None:
        raise NotFound(_("Unknown jurisdiction_id."))
    return community


def jurisdiction_check(*, client, jurisdiction_id: str | None) -> None:
    """A client creates requests in its own community only: any other non-empty id → 404."""
    if jurisdiction_id and jurisdiction_id.strip().lower() not in jurisdiction_ids(
        client.community
    ):
        raise NotFound(_("Unknown jurisdiction_id."))


def endpoint_changeset() -> datetime:
    """When the service list or a definition last changed, as far as we can tell: the later of
    the document date and the last admin change to the catalogue."""
    last = LogEntry.objects.filter(content_type__app_label="catalog").aggregate(
        last=Max("action_time")
    )["last"]
    return max(DISCOVERY_CHANGED, last) if last else DISCOVERY_CHANGED


# ---------------------------------------------------------------------------------------------
# Services: published catalogue items that can be requested


def services_list() -> QuerySet[Item]:
    return (
        Item.objects.filter(is_active=True, kind__in=[Item.Kind.APPEAL, Item.Kind.SERVICE])
        .select_related("category", "sla")
        .order_by("service_list__sort", "category__sort", "code")
    )


def service_get(*, code: str) -> Item:
    item = services_list().filter(code=code).first()
    if item is None:
        raise NotFound(_("Unknown service_code."))
    return item


# ---------------------------------------------------------------------------------------------
# Places: where in the client's community a request is


ADDRESS_ID = re.compile(r"([BUH])-?(\d{1,18})", re.IGNORECASE)


def place_from_address_id(*, community: OrgUnit, address_id: str) -> Place | None:
    """``B<id>`` a building, ``U<id>`` a unit (stairway; the case gets its building),
    ``H<id>`` a household, all within the community; None when there is no such place."""
    match = ADDRESS_ID.fullmatch(address_id.strip())
    if match is None:
        return None
    kind, pk = match.group(1).upper(), int(match.group(2))
    if kind == "B":
        building = (
            Building.objects.select_related("estate")
            .filter(pk=pk, estate__community=community)
            .first()
        )
        return Place(estate=building.estate, building=building) if building else None
    if kind == "U":
        unit = (
            Unit.objects.select_related("building__estate")
            .filter(pk=pk, building__estate__community=community)
            .first()
        )
        return Place(estate=unit.building.estate, building=unit.building) if unit else None
    household = (
        Household.objects.select_related("unit__building__estate")
        .filter(pk=pk, unit__building__estate__community=community)
        .first()
    )
    if household is None:
        return None
    building = household.unit.building
    return Place(estate=building.estate, building=building, household=household)


def place_from_address_string(*, community: OrgUnit, address_string: str) -> Place | None:
    """The community's estate (and building) the text names (`orgs.selectors.place_in_text`)."""
    return place_in_text(
        estates=community.estates.all(),
        buildings=Building.objects.filter(estate__community=community),
        text=address_string,
    )


def place_default(*, community: OrgUnit) -> Place | None:
    """For coordinates alone: the community's first estate (the oldest)."""
    estate = community.estates.order_by("pk").first()
    return Place(estate=estate) if estate else None


# ---------------------------------------------------------------------------------------------
# Requests: every case of the jurisdiction, as the public may see it


def requests_public(*, community: OrgUnit | None) -> QuerySet[Case]:
    """The problems reported in public places and homes, never a household's booking of a
    service nor a case of a sensitive item."""
    leads = Participant.objects.filter(role=Participant.Role.LEAD, is_active=True).select_related(
        "org_unit", "company"
    )
    cases = Case.objects.select_related(
        "item",
        "sla",
        "estate__community",
        "building",
        "company",
        "owner_unit",
        "merged_into",
    ).prefetch_related(
        Prefetch("participants", queryset=leads, to_attr="leads"),
        Prefetch("photos", queryset=published_photos(), to_attr="public_photos"),
    )
    cases = cases.filter(PUBLIC_CASES)
    if community is not None:
        cases = cases.filter(estate__community=community)
    return cases.order_by("-created_at", "-id")


def requests_query(*, community: OrgUnit | None, query: RequestQuery) -> list[Case]:
    cases = requests_public(community=community)
    if query.ids is not None:
        return list(cases.filter(tracking_no__in=query.ids)[: len(query.ids)])
    cases = cases.filter(created_at__gte=query.start, created_at__lte=query.end)
    if query.service_codes:
        cases = cases.filter(item__code__in=query.service_codes)
    if query.statuses == {"open"}:
        cases = cases.filter(status__in=OPEN_STATUSES)
    elif query.statuses == {"closed"}:
        cases = cases.exclude(status__in=OPEN_STATUSES)
    offset = (query.page - 1) * query.page_size
    return list(cases[offset : offset + query.page_size])


def request_get(*, community: OrgUnit | None, tracking_no: str) -> Case:
    case = requests_public(community=community).filter(tracking_no=tracking_no).first()
    if case is None:
        raise NotFound(_("Unknown service_request_id."))
    return case


# ---------------------------------------------------------------------------------------------
# Updates: what the handlers and the system made public of a request, one timeline event each

# The public events, but the submission (the request itself) and the resident's own words;
# and the approval of the resident's photos, which makes them public (the update's media_url).
UPDATES = (Q(public=True) & ~Q(action=Action.SUBMIT) & ~Q(party=Party.RESIDENT)) | Q(
    action=Action.PUBLISH_PHOTOS
)


def request_updates(*, community: OrgUnit, query: UpdateQuery) -> list[CaseEvent]:
    """The updates of the community's public requests in the window, oldest first; each with
    `public_photo`, the first photo it made public that still is (or None)."""
    # An update is shown to the second: it is in the window when the second it shows is (or
    # one at 10:00:05.3, written 10:00:05, would be missed by a window ending then).
    end = query.end
    until = Q(at__lt=end + timedelta(seconds=1)) if not end.microsecond else Q(at__lte=end)
    events = (
        CaseEvent.objects.filter(UPDATES, until, at__gte=query.start)
        .filter(case__in=requests_public(community=community).values("pk"))
        .select_related("case")
        .order_by("at", "id")
    )
    offset = (query.page - 1) * query.page_size
    events = list(events[offset : offset + query.page_size])
    published = published_photos().in_bulk({pk for event in events for pk in _photo_ids(event)})
    for event in events:
        photos = [published[pk] for pk in _photo_ids(event) if pk in published]
        event.public_photo = photos[0] if photos else None
    return events


def _photo_ids(event: CaseEvent) -> list[int]:
    if event.action != Action.PUBLISH_PHOTOS:
        return []
    return [pk for pk in event.data.get("photos", []) if isinstance(pk, int)]


def relayed_reply(*, client, case: Case, update_id: str) -> CaseEvent | None:
    """The reply the client already relayed under its own id of the update, if any."""
    return (
        case.events.filter(action=Action.RESIDENT_REPLY, actor=client.user)
        .filter(data__open311_update_id=update_id)
        .first()
    )
