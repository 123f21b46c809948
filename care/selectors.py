"""Reads of care, always through `recipients_for` (the one access rule).

Who sees a care recipient (health data is personal data, so this is narrower than the
resident directory):

- community-side staff who handle the recipient's area in person: grid workers, micro-grid
  leaders, community staff and secretaries whose unit contains the recipient's micro-grid;
- the people the care plan assigns: the responsible grid worker, the volunteers (through their
  resident accounts) and the staff accounts of the partner organisation;
- administrators.

Subdistrict oversight and property companies do not see care records. Anything else looks
missing (404). Enrolling, assessing and changing the plan are for the community side only;
assigned people see the recipient and log visits.
"""

from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from care.models import Assessment, CareAlert, CareRecipient, CareVisit
from core.errors import NotFound
from orgs.models import OrgUnit, StaffMembership
from orgs.roles import Role
from orgs.selectors import path_ancestors, scope_for, subtree_q

CARE_ROLES = (
    Role.GRID_WORKER,
    Role.MICROGRID_LEADER,
    Role.COMMUNITY_STAFF,
    Role.COMMUNITY_SECRETARY,
)
CARE_TAGS = ("elderly_alone", "disability", "low_income")


def care_paths(user) -> tuple[str, ...]:
    """The org subtrees in which the user looks after care recipients (community side)."""
    if not getattr(user, "is_authenticated", False):
        return ()
    cached = getattr(user, "_hgj_care_paths", None)
    if cached is None:
        cached = tuple(
            StaffMembership.objects.filter(
                user=user, is_active=True, role__in=CARE_ROLES
            ).values_list("org_unit__path", flat=True)
        )
        user._hgj_care_paths = cached
    return cached


def can_manage_care(user) -> bool:
    return scope_for(user).everything or bool(care_paths(user))


def recipients_for(*, user) -> QuerySet[CareRecipient]:
    if not getattr(user, "is_authenticated", False):
        return CareRecipient.objects.none()
    if scope_for(user).everything:
        return CareRecipient.objects.filter(anonymised_at__isnull=True)
    assigned = (
        Q(plan__responsible=user)
        | Q(plan__partner__in=user.alliance_partners.filter(is_active=True))
        | Q(plan__volunteers__user=user)
    )
    ids = CareRecipient.objects.filter(assigned).values("id")
    return CareRecipient.objects.filter(
        subtree_q("area_path", care_paths(user)) | Q(id__in=ids), anonymised_at__isnull=True
    )


def managed_recipients_for(*, user) -> QuerySet[CareRecipient]:
    """The recipients whose records the user may change (community side only)."""
    if scope_for(user).everything:
        return CareRecipient.objects.filter(anonymised_at__isnull=True)
    return CareRecipient.objects.filter(
        subtree_q("area_path", care_paths(user)), anonymised_at__isnull=True
    )


def _with_related(queryset):
    return queryset.select_related(
        "resident",
        "household__unit__building__estate",
        "plan__responsible",
        "plan__partner",
    )


def recipient_list_for(*, user, risk: str = "", query: str = "") -> QuerySet[CareRecipient]:
    recipients = _with_related(recipients_for(user=user).filter(is_active=True))
    if risk:
        recipients = recipients.filter(risk_level=risk)
    if query.strip():
        recipients = recipients.filter(resident__name__contains=query.strip())
    return recipients.order_by("plan__next_visit_due", "id")


def recipient_get_for(*, user, recipient_id) -> CareRecipient:
    recipient = _with_related(recipients_for(user=user)).filter(pk=recipient_id).first()
    if recipient is None:
        raise NotFound()
    return recipient


def recipient_get_to_manage(*, user, recipient_id) -> CareRecipient:
    recipient = _with_related(managed_recipients_for(user=user)).filter(pk=recipient_id).first()
    if recipient is None:
        raise NotFound()
    return recipient


def local_today(now=None) -> date:
    return timezone.localdate(now or timezone.now())


def due_today_for(*, user, now=None) -> QuerySet[CareRecipient]:
    """Recipients whose next visit is due today or overdue, most overdue first."""
    today = local_today(now)
    return (
        _with_related(recipients_for(user=user))
        .filter(is_active=True, plan__next_visit_due__lte=today)
        .order_by("plan__next_visit_due", "-risk_level", "id")
    )


def reassessments_due_for(*, user, now=None) -> QuerySet[CareRecipient]:
    today = local_today(now)
    return (
        _with_related(managed_recipients_for(user=user))
        .filter(is_active=True, reassessment_due__lte=today)
        .order_by("reassessment_due", "id")
    )


def assessments_of(recipient: CareRecipient) -> QuerySet[Assessment]:
    return recipient.assessments.select_related("assessed_by").order_by("-assessed_at", "-id")


def assessment_get_for(*, user, assessment_id) -> Assessment:
    assessment = (
        Assessment.objects.filter(recipient__in=recipients_for(user=user), pk=assessment_id)
        .select_related("recipient__resident", "assessed_by")
        .first()
    )
    if assessment is None:
        raise NotFound()
    return assessment


def visits_of(recipient: CareRecipient) -> QuerySet[CareVisit]:
    return recipient.visits.select_related("logged_by", "case").order_by("-visited_at", "-id")


def visit_get_for(*, user, visit_id) -> CareVisit:
    visit = (
        CareVisit.objects.filter(recipient__in=recipients_for(user=user), pk=visit_id)
        .select_related("recipient__resident", "recipient__household__unit__building", "case")
        .first()
    )
    if visit is None:
        raise NotFound()
    return visit


def open_alerts_for(*, user) -> QuerySet[CareAlert]:
    """Open alerts on the user's home page (only for recipients they still may see)."""
    return (
        CareAlert.objects.filter(
            user=user, cleared_at__isnull=True, recipient__in=recipients_for(user=user)
        )
        .select_related("recipient__resident")
        .order_by("due_on", "id")
    )


def candidates_for(*, user) -> QuerySet:
    """Residents of the user's care area tagged for care and not yet enrolled."""
    from residents.models import HouseholdTie, Resident

    if scope_for(user).everything:
        paths = tuple(OrgUnit.objects.filter(kind="community").values_list("path", flat=True))
    else:
        paths = care_paths(user)
    ties = HouseholdTie.objects.filter(
        subtree_q("household__unit__building__microgrid__path", paths)
    ).values("resident_id")
    return (
        Resident.objects.filter(id__in=ties, tags__code__in=CARE_TAGS)
        .exclude(care_recipient__is_active=True)
        .distinct()
        .order_by("id")
    )


def responsible_people(recipient: CareRecipient):
    """Who hears when a visit is overdue: the plan's responsible worker, else the grid's."""
    from orgs.models import User

    plan = getattr(recipient, "plan", None)
    if plan and plan.responsible_id and plan.responsible.is_active:
        return [plan.responsible]
    return list(
        User.objects.filter(
            is_active=True,
            memberships__is_active=True,
            memberships__role=Role.GRID_WORKER,
            memberships__org_unit__path=grid_path(recipient),
        ).distinct()
    )


# A recipient's area is a micro-grid: subdistrict, community, grid, micro-grid.
def community_path(recipient: CareRecipient) -> str:
    return path_ancestors(recipient.area_path)[1]


def grid_path(recipient: CareRecipient) -> str:
    return path_ancestors(recipient.area_path)[2]


def plan_choices(recipient: CareRecipient) -> dict:
    """Who a plan may assign: the grid's workers, the community's volunteers and partners."""
    from alliance.models import Partner
    from orgs.models import User
    from residents.models import HouseholdTie, Resident

    staff = User.objects.filter(
        memberships__is_active=True,
        memberships__role__in=[Role.GRID_WORKER, Role.MICROGRID_LEADER],
        memberships__org_unit__path__in=[grid_path(recipient), recipient.area_path],
    ).distinct()
    ties = HouseholdTie.objects.filter(
        subtree_q("household__unit__building__microgrid__path", [community_path(recipient)])
    ).values("resident_id")
    return {
        "staff": staff,
        "volunteers": Resident.objects.filter(id__in=ties, tags__code="volunteer").order_by("id"),
        "partners": Partner.objects.filter(
            is_active=True, communities__path=community_path(recipient)
        ),
    }
