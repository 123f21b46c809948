"""Reads of the alliance: which partners a user sees, and what each pledged and delivered.

Who sees a partner: staff whose area (`scope.org_units()`) contains or lies in a community it
serves, staff of its property company, its own staff accounts, administrators. Managing
partners, agreements and pledges needs the back-office permission (`Permission.ROUTE_CASES`) in one of
those communities. Anything else looks missing (404).

What a partner delivered in a period — the figures use the definitions in `insights.metrics`
(through `insights.selectors.figures`), never their own:

- cases handled: a property company's cases (`Case.company`), or for a social organisation or
  red partner the cases assigned to its staff accounts; the three rates over those cases;
- activities run: activities linked to the partner that started in the period (and by now);
- volunteer hours: at those activities, volunteers' time measured at check-in/out plus
  self-reported time staff approved (the rule of `engagement.selectors.engagement_figures`);
- care visits: visits logged for care plans the partner is assigned to.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from alliance.models import Agreement, Partner, Pledge
from cases.models import Case
from core.errors import NotFound
from core.periods import Period
from engagement.models import Activity, Signup
from engagement.selectors import minutes_as_hours
from insights.selectors import Figures, figures
from orgs.models import OrgUnit
from orgs.roles import Permission
from orgs.selectors import path_ancestors, scope_for


def partners_for(*, user) -> QuerySet[Partner]:
    scope = scope_for(user)
    if scope.everything:
        return Partner.objects.all()
    if not scope.is_staff:
        return Partner.objects.none()
    serving = Partner.objects.filter(
        Q(communities__in=scope.org_units()) | Q(communities__path__in=_ancestor_paths(scope))
    ).values("id")
    return Partner.objects.filter(
        Q(id__in=serving) | Q(company_id__in=scope.company_ids) | Q(members=user)
    ).distinct()


def _ancestor_paths(scope) -> list[str]:
    """The paths above the user's units: a grid worker works with its community's partners."""
    return sorted({above for path in scope.structure_paths for above in path_ancestors(path)[:-1]})


def can_manage(*, user, partner: Partner | None = None) -> bool:
    scope = scope_for(user)
    if scope.everything:
        return True
    if not scope.has(Permission.ROUTE_CASES):
        return False
    if partner is None:
        return True
    return partner.communities.filter(pk__in=scope.org_units()).exists()


def manageable_communities(*, user) -> QuerySet[OrgUnit]:
    scope = scope_for(user)
    if not (scope.everything or scope.has(Permission.ROUTE_CASES)):
        return OrgUnit.objects.none()
    return scope.org_units().filter(kind=OrgUnit.Kind.COMMUNITY).order_by("path")


def partner_list_for(*, user, kind: str = "") -> QuerySet[Partner]:
    partners = partners_for(user=user).select_related("company").prefetch_related("communities")
    if kind:
        partners = partners.filter(kind=kind)
    return partners.annotate(
        agreement_count=Count("agreements", distinct=True),
        pledge_count=Count("pledges", distinct=True),
    ).order_by("kind", "name")


def partner_get_for(*, user, partner_id) -> Partner:
    partner = (
        partners_for(user=user)
        .select_related("company")
        .prefetch_related("communities", "members")
        .filter(pk=partner_id)
        .first()
    )
    if partner is None:
        raise NotFound()
    return partner


def partner_get_to_manage(*, user, partner_id) -> Partner:
    partner = partner_get_for(user=user, partner_id=partner_id)
    if not can_manage(user=user, partner=partner):
        raise NotFound()
    return partner


def agreement_get_for(*, user, agreement_id) -> Agreement:
    """A signed agreement is for the partner's own accounts and those who manage it."""
    agreement = (
        Agreement.objects.filter(partner__in=partners_for(user=user), pk=agreement_id)
        .select_related("partner", "community")
        .first()
    )
    if agreement is None or not may_read_agreements(user=user, partner=agreement.partner):
        raise NotFound()
    return agreement


def may_read_agreements(*, user, partner: Partner) -> bool:
    return can_manage(user=user, partner=partner) or partner.members.filter(pk=user.pk).exists()


# ---------------------------------------------------------------------------------------------
# Delivery


def cases_handled_by(partner: Partner) -> QuerySet[Case]:
    if partner.company_id:
        return Case.objects.filter(company_id=partner.company_id)
    return Case.objects.filter(assignee__in=partner.members.all())


def activities_run_by(partner: Partner, period: Period, now: datetime) -> QuerySet[Activity]:
    return partner.activities.filter(
        starts_at__gte=period.start, starts_at__lt=min(period.end, now)
    )


@dataclass(frozen=True)
class PledgeRow:
    pledge: Pledge
    cases: int


@dataclass(frozen=True)
class Delivery:
    cases: Figures
    activities_run: int
    volunteer_hours: Decimal
    care_visits: int
    pledges: list[PledgeRow]


def partner_delivery(*, partner: Partner, period: Period, now: datetime | None = None) -> Delivery:
    now = now or timezone.now()
    cases = cases_handled_by(partner)
    activities = activities_run_by(partner, period, now)
    volunteering = Signup.objects.filter(
        activity__in=activities, status=Signup.Status.CONFIRMED, as_volunteer=True
    ).aggregate(
        measured=Coalesce(Sum("measured_minutes"), 0),
        reported=Coalesce(
            Sum("reported_minutes", filter=Q(hours_status=Signup.HoursStatus.APPROVED)), 0
        ),
    )
    received = dict(
        cases.filter(period.q("created_at"))
        .values("item_id")
        .annotate(n=Count("pk"))
        .values_list("item_id", "n")
    )
    pledges = list(partner.pledges.select_related("item__category", "agreement"))
    return Delivery(
        cases=figures(cases=cases, period=period),
        activities_run=activities.count(),
        volunteer_hours=minutes_as_hours(volunteering["measured"] + volunteering["reported"]),
        care_visits=partner.care_visits.filter(
            visited_at__gte=period.start, visited_at__lt=period.end
        ).count(),
        pledges=[PledgeRow(p, received.get(p.item_id, 0)) for p in pledges],
    )
