"""What engagement achieved in an area during a period."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.periods import Period
from engagement.models import (
    Activity,
    FollowUpAction,
    Signup,
    Topic,
)
from engagement.selectors.access import (
    staff_area,
)
from engagement.selectors.activities import (
    minutes_as_hours,
)
from engagement.selectors.visits import visits_for


@dataclass(frozen=True)
class Figures:
    activities_held: int
    participants: int
    volunteer_hours: Decimal
    visits: int
    topics: int
    actions_completed: int


def engagement_figures(*, user, period: Period, now=None) -> Figures:
    """What engagement achieved in the user's area during the period.

    - activities held: sessions that started in the period (and have started by now), not
      cancelled;
    - participants: check-ins of those sessions, volunteers not counted;
    - volunteer hours: of those sessions, hours measured by staff (check-in to check-out) plus
      self-reported hours staff approved;
    - visits: door-knock visits made in the period to households of the scope;
    - topics: deliberation topics proposed in the period; actions: follow-ups done in it.
    """
    now = now or timezone.now()
    area = staff_area(user)
    held = Activity.objects.filter(
        Period(period.start, min(period.end, now)).q("starts_at"),
        venue__community__in=area,
        cancelled_at__isnull=True,
    )
    signups = Signup.objects.filter(activity__in=held, status=Signup.Status.CONFIRMED)
    volunteering = signups.filter(as_volunteer=True).aggregate(
        measured=Coalesce(Sum("measured_minutes"), 0),
        reported=Coalesce(
            Sum("reported_minutes", filter=Q(hours_status=Signup.HoursStatus.APPROVED)), 0
        ),
    )
    return Figures(
        activities_held=held.count(),
        participants=signups.filter(as_volunteer=False, checked_in_at__isnull=False).count(),
        volunteer_hours=minutes_as_hours(volunteering["measured"] + volunteering["reported"]),
        visits=visits_for(user=user).filter(period.q("visited_at")).count(),
        topics=Topic.objects.filter(period.q("created_at"), community__in=area).count(),
        actions_completed=FollowUpAction.objects.filter(
            period.q("done_at"), topic__community__in=area, done=True
        ).count(),
    )
