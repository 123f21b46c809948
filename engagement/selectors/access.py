"""Who may do what: the areas and households a user's engagement work covers."""

from django.db.models import Q, QuerySet

from orgs.models import Household, OrgUnit
from orgs.roles import Permission
from orgs.selectors import scope_for
from residents.models import Resident


def can_manage(user) -> bool:
    return scope_for(user).has(Permission.ROUTE_CASES)


def can_visit(user) -> bool:
    return scope_for(user).has(Permission.HANDLE_CASES)


def staff_area(user) -> QuerySet[OrgUnit]:
    """The org units a staff member's engagement work covers (none for residents)."""
    scope = scope_for(user)
    return scope.org_units() if scope.is_staff else OrgUnit.objects.none()


def staff_communities(user) -> QuerySet[OrgUnit]:
    return staff_area(user).filter(kind=OrgUnit.Kind.COMMUNITY).order_by("path")


def resident_communities(resident: Resident | None) -> QuerySet[OrgUnit]:
    """The communities a resident lives in (through their households)."""
    if resident is None:
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(
        kind=OrgUnit.Kind.COMMUNITY, estates__buildings__units__households__ties__resident=resident
    ).distinct()


def household_members(resident: Resident) -> QuerySet[Resident]:
    """The resident and everyone who shares a household with them."""
    households = Household.objects.filter(ties__resident=resident)
    return (
        Resident.objects.filter(Q(pk=resident.pk) | Q(ties__household__in=households))
        .distinct()
        .order_by("id")
    )
