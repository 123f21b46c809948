"""Reads of residents, always through the user's scope."""

from django.db.models import Prefetch, Q, QuerySet

from core.errors import Forbidden, NotFound
from orgs.roles import Permission
from orgs.selectors import scope_for
from residents.models import HouseholdTie, Resident


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


def resident_list_for(*, user, query: str = "", tag: str = "") -> QuerySet[Resident]:
    residents = residents_in_scope(user=user)
    query = query.strip()
    if query:
        residents = residents.filter(Q(name__contains=query) | Q(mobile=query))
    if tag:
        residents = residents.filter(tags__code=tag)
    return _with_ties(residents).order_by("id")


def resident_get_for(*, user, resident_id) -> Resident:
    resident = _with_ties(residents_in_scope(user=user)).filter(pk=resident_id).first()
    if resident is None:
        raise NotFound()
    return resident


def resident_for_user(*, user) -> Resident | None:
    if not user.is_authenticated:
        return None
    return _with_ties(Resident.objects.filter(user=user)).first()
