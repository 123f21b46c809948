"""Door-knock visits, to the households of the scope."""

from django.db.models import Q, QuerySet

from core.errors import NotFound
from engagement.models import PlannedVisit, Visit
from orgs.models import StaffMembership, User
from orgs.roles import Permission, Role
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


# Who knocks on doors: the community side's people on the ground and in the office.
VISITOR_ROLES = (
    Role.GRID_WORKER,
    Role.MICROGRID_LEADER,
    Role.COMMUNITY_STAFF,
    Role.COMMUNITY_SECRETARY,
)


def visitors_for(*, user) -> QuerySet[User]:
    """Whom this person may plan a visit for: themselves, and the community side's staff of
    their area."""
    scope = scope_for(user)
    if not scope.has(Permission.HANDLE_CASES):
        return User.objects.none()
    colleagues = StaffMembership.objects.filter(
        org_unit__in=scope.org_units(), role__in=VISITOR_ROLES, is_active=True
    ).values("user_id")
    return User.objects.filter(Q(pk=user.pk) | Q(pk__in=colleagues), is_active=True).order_by(
        "full_name", "username"
    )


def plans_for(*, user, open_only: bool = True) -> QuerySet[PlannedVisit]:
    """The visit plans (open ones, unless `open_only` is off) of the households of this
    person's scope, the soonest due first."""
    scope = scope_for(user)
    if not scope.has(Permission.HANDLE_CASES):
        return PlannedVisit.objects.none()
    plans = PlannedVisit.objects.filter(household__in=scope.households())
    if open_only:
        plans = plans.filter(visit__isnull=True)
    return plans.select_related("household__unit__building__estate", "assignee").order_by(
        "due_on", "id"
    )


def plans_due_for(*, user, today) -> QuerySet[PlannedVisit]:
    """The doors this person is to knock on by today (and those left from earlier days)."""
    return plans_for(user=user).filter(assignee=user, due_on__lte=today)


def plan_get_for(*, user, plan_id) -> PlannedVisit:
    """A plan of the scope, open or done (dropping a done one is refused as such)."""
    plan = plans_for(user=user, open_only=False).filter(pk=plan_id).first()
    if plan is None:
        raise NotFound()
    return plan
