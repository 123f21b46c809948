"""Reads of residents, always through the user's scope."""

from django.db.models import Prefetch, Q, QuerySet

from core.errors import Forbidden, NotFound
from orgs.models import Building, Household
from orgs.roles import Permission
from orgs.selectors import scope_for
from residents.models import (
    HouseholdTie,
    PersonalDataAccess,
    Resident,
    RightsRequest,
    SeparateConsent,
    Tag,
)


def _residents_of(scope) -> QuerySet[Resident]:
    if scope.everything:
        return Resident.objects.all()
    tied = HouseholdTie.objects.filter(household__in=scope.households()).values("resident_id")
    return Resident.objects.filter(id__in=tied)


def residents_in_scope(*, user) -> QuerySet[Resident]:
    scope = scope_for(user)
    if not scope.has(Permission.VIEW_RESIDENTS):
        raise Forbidden()
    return _residents_of(scope)


def resident_count_for(*, user) -> int:
    """How many residents live in the user's scope (a count reveals nobody)."""
    return _residents_of(scope_for(user)).count()


def _with_ties(queryset: QuerySet[Resident]) -> QuerySet[Resident]:
    ties = HouseholdTie.objects.select_related("household__unit__building__estate")
    return queryset.prefetch_related(Prefetch("ties", queryset=ties), "tags")


def tags_for(*, user) -> QuerySet[Tag]:
    """The tags a staff member may see and search by: the vulnerable situations only for the
    community side that records them (a property company has no need to know them)."""
    if scope_for(user).has(Permission.MANAGE_RESIDENT_DATA):
        return Tag.objects.all()
    return Tag.objects.filter(is_sensitive=False)


def resident_list_for(*, user, query: str = "", tag: str = "") -> QuerySet[Resident]:
    residents = residents_in_scope(user=user)
    query = query.strip()
    if query:
        residents = residents.filter(Q(name__contains=query) | Q(mobile=query))
    if tag:
        residents = residents.filter(tags__in=tags_for(user=user).filter(code=tag))
    return _with_ties(residents).order_by("id")


def resident_get_for(*, user, resident_id) -> Resident:
    resident = _with_ties(residents_in_scope(user=user)).filter(pk=resident_id).first()
    if resident is None:
        raise NotFound()
    return resident


def resident_by_mobile(*, mobile: str) -> Resident | None:
    """The resident staff file a case for (phone, walk-in, the API), by the mobile number the
    caller gives: any resident, since the case's place, not the resident, decides who sees
    the case."""
    return Resident.objects.filter(mobile=mobile).first()


def resident_for_user(*, user, with_ties: bool = True) -> Resident | None:
    """The person's resident record; with their homes and tags unless `with_ties` is False
    (two queries fewer, for a caller that reads only the row, as intake does)."""
    if not user.is_authenticated:
        return None
    residents = Resident.objects.filter(user=user)
    return (_with_ties(residents) if with_ties else residents).first()


def homes_of(*, resident: Resident | None) -> tuple[QuerySet[Household], QuerySet[Building]]:
    """Where a resident may report a problem: the households they are tied to, and every
    building of those households' estates (a stairwell next door is their estate too)."""
    if resident is None:
        return Household.objects.none(), Building.objects.none()
    households = Household.objects.filter(ties__resident=resident).select_related(
        "unit__building__estate"
    )
    buildings = Building.objects.filter(
        estate__in=households.values("unit__building__estate")
    ).select_related("estate")
    return households, buildings


def places_for(user) -> tuple[QuerySet[Household], QuerySet[Building]]:
    """Where this person may report a problem (as the report and intake forms offer it): staff
    anywhere in their scope, a resident at their homes and in those homes' estates."""
    scope = scope_for(user)
    if scope.is_staff:
        return scope.households(), scope.buildings()
    return homes_of(resident=resident_for_user(user=user))


# ---------------------------------------------------------------------------------------------
# Consents, the access log and requests


def consent_valid(*, resident: Resident, purpose: str) -> SeparateConsent | None:
    """The separate consent for the purpose that is not withdrawn, if any."""
    return SeparateConsent.objects.filter(
        resident=resident, purpose=purpose, withdrawn_at__isnull=True
    ).first()


def consents_of(resident: Resident):
    return resident.consents.select_related("recorded_by", "withdrawn_by").order_by(
        "-given_at", "-id"
    )


def consent_get_for(*, user, consent_id) -> SeparateConsent:
    """A consent of the user's own, or of a resident in the user's scope."""
    consent = SeparateConsent.objects.select_related("resident").filter(pk=consent_id).first()
    if consent is None or not (
        consent.resident.user_id == user.pk
        or (scope_for(user).has(Permission.VIEW_RESIDENTS) and _in_scope(user, consent.resident))
    ):
        raise NotFound()
    return consent


def _in_scope(user, resident: Resident) -> bool:
    return residents_in_scope(user=user).filter(pk=resident.pk).exists()


def access_log_of(resident: Resident):
    """Who saw the resident's unmasked data or health assessments, latest first."""
    return PersonalDataAccess.objects.filter(resident=resident).select_related("actor")


def rights_requests_of(resident: Resident):
    return resident.rights_requests.select_related("answered_by")


def rights_queue_for(*, user, state: str = RightsRequest.State.OPEN):
    """Requests of the residents in the user's scope: the oldest deadline first."""
    requests = RightsRequest.objects.filter(resident__in=residents_in_scope(user=user))
    if state:
        requests = requests.filter(state=state)
    return requests.select_related("resident", "answered_by").order_by("due_at", "id")


def rights_request_get_for(*, user, request_id) -> RightsRequest:
    found = rights_queue_for(user=user, state="").filter(pk=request_id).first()
    if found is None:
        raise NotFound()
    return found
