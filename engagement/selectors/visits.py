"""Door-knock visits, to the households of the scope."""

from django.db.models import QuerySet

from core.errors import NotFound
from engagement.models import (
    Visit,
)
from orgs.roles import Permission
from orgs.selectors import scope_for


def visits_for(*, user) -> QuerySet[Visit]:
    scope = scope_for(user)
    if not scope.has(Permission.HANDLE_CASES):
        return Visit.objects.none()
    return (
        Visit.objects.filter(household__in=scope.households())
        .select_related("household__unit__building__estate", "case", "logged_by")
        .order_by("-visited_at", "-id")
    )


def visit_get_for(*, user, visit_id) -> Visit:
    visit = visits_for(user=user).filter(pk=visit_id).first()
    if visit is None:
        raise NotFound()
    return visit
