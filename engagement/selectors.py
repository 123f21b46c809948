"""Reads of engagement, always through the user's scope.

Who may do what (the one statement of the rules; services enforce the same functions):

- Anyone, signed in or not, sees the public calendar, an activity's page, its .ics and the
  roster of party members who chose to show their identity.
- A resident (a user with a `Resident` record) signs up themselves or a member of a household
  they belong to, and sees and cancels only sign-ups they made or that are for them. They see
  and support the deliberation topics of the communities they live in.
- A staff member's engagement area is the org units of their scope (`scope.org_units()`): an
  activity, venue or topic belongs to a community and is theirs when that community is in it.
  Anything outside looks missing (404).
  - Any staff member in the area may check people in and out (community staff, secretaries,
    partner organisations who deliver activities, subdistrict staff).
  - Managing (venues, activities, meetings, decisions, follow-up actions, approving volunteer
    hours) needs the back-office permission `Permission.ROUTE_CASES` (community staff,
    secretaries, subdistrict staff; administrators have everything).
  - Door-knock visits belong to households: staff with `Permission.HANDLE_CASES` log and see
    visits to the households of their scope (`scope.households()`), and turn them into cases.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Sum, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.errors import NotFound
from core.periods import Period
from engagement.models import (
    Activity,
    Decision,
    FollowUpAction,
    Signup,
    Topic,
    TopicStatus,
    TopicSupport,
    Venue,
    Visit,
    VolunteerProfile,
)
from engagement.waitlist import with_waitlist_position
from orgs.models import Household, OrgUnit
from orgs.roles import Permission
from orgs.selectors import scope_for
from residents.models import Resident
from residents.selectors import resident_for_user

# ---------------------------------------------------------------------------------------------
# Who may do what


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


# ---------------------------------------------------------------------------------------------
# Venues and activities


def venues_for(*, user) -> QuerySet[Venue]:
    return (
        Venue.objects.filter(community__in=staff_area(user))
        .select_related("community")
        .order_by("community__path", "name")
    )


def _activities() -> QuerySet[Activity]:
    return Activity.objects.select_related("venue__community", "domain", "organiser_unit")


def upcoming_activities(*, now=None, community_id=None, domain_code="") -> QuerySet[Activity]:
    """The public calendar: everything that has not ended yet, soonest first."""
    now = now or timezone.now()
    activities = _activities().filter(ends_at__gt=now, cancelled_at__isnull=True)
    if community_id:
        activities = activities.filter(venue__community_id=community_id)
    if domain_code:
        activities = activities.filter(domain__code=domain_code)
    return activities.order_by("starts_at", "id")


def activity_get_public(*, activity_id) -> Activity:
    activity = _activities().filter(pk=activity_id).first()
    if activity is None:
        raise NotFound()
    return activity


def activities_for_staff(*, user, now=None, past=False) -> QuerySet[Activity]:
    now = now or timezone.now()
    activities = _activities().filter(venue__community__in=staff_area(user))
    if past:
        return activities.filter(ends_at__lte=now).order_by("-starts_at", "-id")
    return activities.filter(ends_at__gt=now).order_by("starts_at", "id")


def activity_get_for_staff(*, user, activity_id) -> Activity:
    activity = _activities().filter(pk=activity_id, venue__community__in=staff_area(user)).first()
    if activity is None:
        raise NotFound()
    return activity


def roster(*, activity: Activity) -> QuerySet[Signup]:
    """Who is coming: confirmed first (volunteers, then participants), then the waitlist."""
    order = Case(
        When(status=Signup.Status.CONFIRMED, then=0), default=1, output_field=IntegerField()
    )
    return (
        activity.signups.exclude(status=Signup.Status.CANCELLED)
        .select_related("resident", "activity")
        .annotate(waiting=order)
        .order_by("waiting", "-as_volunteer", "created_at", "id")
    )


def signup_get_for_staff(*, user, signup_id) -> Signup:
    signup = (
        Signup.objects.select_related("activity__venue__community", "resident")
        .filter(pk=signup_id, activity__venue__community__in=staff_area(user))
        .first()
    )
    if signup is None:
        raise NotFound()
    return signup


# ---------------------------------------------------------------------------------------------
# A resident's own sign-ups


def _own(user) -> Q:
    return Q(signed_up_by=user) | Q(resident__user=user)


def resident_signups(*, user) -> QuerySet[Signup]:
    if not user.is_authenticated:
        return Signup.objects.none()
    signups = Signup.objects.filter(_own(user)).select_related(
        "activity__venue", "activity__domain", "resident"
    )
    return with_waitlist_position(signups).order_by("-activity__starts_at", "-id")


def signups_for_activity(*, user, activity: Activity) -> QuerySet[Signup]:
    """The user's active sign-ups (for themselves or their household) for one activity."""
    return (
        resident_signups(user=user)
        .filter(activity=activity)
        .exclude(status=Signup.Status.CANCELLED)
        .order_by("id")
    )


def signup_get_for_resident(*, user, signup_id) -> Signup:
    signup = resident_signups(user=user).filter(pk=signup_id).first()
    if signup is None:
        raise NotFound()
    return signup


def waitlist_position(signup: Signup) -> int | None:
    """A list of sign-ups reads `waitlist_position` from `with_waitlist_position` instead."""
    if signup.status != Signup.Status.WAITLISTED:
        return None
    one = with_waitlist_position(Signup.objects.filter(pk=signup.pk))
    return one.values_list("waitlist_position", flat=True).get()


def notices_for(*, user, limit=10) -> list:
    """The latest notifications about anything but cases (activities, programmes …)."""
    from cases.models import Notification

    if not user.is_authenticated:
        return []
    return list(Notification.objects.filter(user=user, case__isnull=True)[:limit])


# ---------------------------------------------------------------------------------------------
# Volunteers and party members


def party_roster() -> QuerySet[VolunteerProfile]:
    """Party members who chose to show their identity, with their approved volunteer hours."""
    approved_reported = Sum(
        Case(
            When(
                resident__activity_signups__hours_status=Signup.HoursStatus.APPROVED,
                then=F("resident__activity_signups__reported_minutes"),
            ),
            default=0,
            output_field=IntegerField(),
        )
    )
    return (
        VolunteerProfile.objects.filter(
            show_party_identity=True, resident__tags__code="party_member"
        )
        .select_related("resident")
        .annotate(
            minutes=Coalesce(Sum("resident__activity_signups__measured_minutes"), 0)
            + Coalesce(approved_reported, 0)
        )
        .order_by("resident__name", "id")
    )


def minutes_as_hours(minutes: int) -> Decimal:
    return (Decimal(minutes or 0) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------------------------------------
# Deliberation


def _topics() -> QuerySet[Topic]:
    return Topic.objects.select_related("community", "proposed_by")


def topics_for(*, user) -> QuerySet[Topic]:
    """Staff: the topics of their area. Residents: those of the communities they live in."""
    scope = scope_for(user)
    if scope.is_staff:
        return _topics().filter(community__in=staff_area(user))
    resident = resident_for_user(user=user)
    if resident is None:
        return Topic.objects.none()
    return _topics().filter(community__in=resident_communities(resident))


def topic_list_for(*, user, status="") -> QuerySet[Topic]:
    topics = topics_for(user=user)
    if status:
        topics = topics.filter(status=status)
    resident = resident_for_user(user=user)
    if resident is not None:
        topics = topics.annotate(
            supported=Exists(TopicSupport.objects.filter(topic=OuterRef("pk"), resident=resident))
        )
    return topics.annotate(
        action_count=Count("actions", distinct=True),
        actions_done=Count("actions", filter=Q(actions__done=True), distinct=True),
    ).order_by("-created_at", "-id")


def topic_get_for(*, user, topic_id) -> Topic:
    topic = topics_for(user=user).filter(pk=topic_id).first()
    if topic is None:
        raise NotFound()
    return topic


def topic_get_to_manage(*, user, topic_id) -> Topic:
    topic = _topics().filter(pk=topic_id, community__in=staff_area(user)).first()
    if topic is None or not can_manage(user):
        raise NotFound()
    return topic


def action_get_to_manage(*, user, action_id) -> FollowUpAction:
    action = (
        FollowUpAction.objects.select_related("topic__community", "case")
        .filter(pk=action_id, topic__community__in=staff_area(user))
        .first()
    )
    if action is None or not can_manage(user):
        raise NotFound()
    return action


@dataclass(frozen=True)
class Trace:
    """A topic from proposal to completed actions, as one record."""

    topic: Topic
    meeting: object
    attendees: list
    actions: list
    supported: bool

    @property
    def attendee_count(self) -> int:
        if self.meeting is None:
            return 0
        return len(self.attendees) + len(self.meeting.other_attendee_list)

    @property
    def actions_done(self) -> int:
        return sum(1 for a in self.actions if a.done)

    @property
    def complete(self) -> bool:
        """Decided, and either rejected or every follow-up action done."""
        if self.topic.status != TopicStatus.DECIDED:
            return False
        if self.topic.decision == Decision.REJECTED:
            return True
        return bool(self.actions) and self.actions_done == len(self.actions)


def topic_trace(*, user, topic: Topic) -> Trace:
    meeting = getattr(topic, "meeting", None)  # a missing one-to-one raises AttributeError
    resident = resident_for_user(user=user)
    supported = bool(resident) and topic.supports.filter(resident=resident).exists()
    return Trace(
        topic=topic,
        meeting=meeting,
        attendees=list(meeting.attendees.order_by("name")) if meeting else [],
        actions=list(topic.actions.select_related("case")),
        supported=supported,
    )


# ---------------------------------------------------------------------------------------------
# Door-knock visits


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


# ---------------------------------------------------------------------------------------------
# Figures


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


# ---------------------------------------------------------------------------------------------
# Programmes (在城长): enrolment, the day's sheet, follow-ups, the termly summary


def programmes_for(*, user) -> QuerySet:
    """Staff: programmes of their area. Residents: those of the communities they live in."""
    from engagement.models import Programme

    programmes = Programme.objects.select_related("community", "venue")
    if scope_for(user).is_staff:
        return programmes.filter(community__in=staff_area(user))
    resident = resident_for_user(user=user)
    return programmes.filter(community__in=resident_communities(resident))


def programme_get_for(*, user, programme_id):
    programme = programmes_for(user=user).filter(pk=programme_id).first()
    if programme is None:
        raise NotFound()
    return programme


def programme_get_for_staff(*, user, programme_id):
    if not scope_for(user).is_staff:
        raise NotFound()
    return programme_get_for(user=user, programme_id=programme_id)


def enrolments_active(programme) -> QuerySet:
    return programme.enrolments.filter(withdrawn_at__isnull=True).select_related(
        "child", "guardian"
    )


def guardian_enrolments(*, user, programme) -> QuerySet:
    resident = resident_for_user(user=user)
    if resident is None:
        return programme.enrolments.none()
    return enrolments_active(programme).filter(guardian=resident)


def enrolment_get_for_staff(*, user, enrolment_id):
    from engagement.models import Enrolment

    enrolment = (
        Enrolment.objects.select_related("programme", "child", "guardian")
        .filter(pk=enrolment_id, programme__community__in=staff_area(user))
        .first()
    )
    if enrolment is None:
        raise NotFound()
    return enrolment


def attendance_get_for_staff(*, user, attendance_id):
    from engagement.models import Attendance

    attendance = (
        Attendance.objects.select_related("enrolment__programme", "enrolment__child")
        .filter(pk=attendance_id, enrolment__programme__community__in=staff_area(user))
        .first()
    )
    if attendance is None:
        raise NotFound()
    return attendance


def attendance_sheet(*, programme, day: date) -> list:
    """Every child enrolled on the day, with their mark (or None)."""
    from engagement.models import Attendance

    marks = {
        a.enrolment_id: a
        for a in Attendance.objects.filter(enrolment__programme=programme, day=day)
    }
    rows = []
    for enrolment in (
        enrolments_active(programme).filter(consent_at__date__lte=day).order_by("child__name", "id")
    ):
        enrolment.attendance = marks.get(enrolment.pk)
        rows.append(enrolment)
    return rows


def open_follow_ups(*, programme) -> QuerySet:
    from engagement.models import Attendance

    return (
        Attendance.objects.filter(enrolment__programme=programme, follow_up="open")
        .select_related("enrolment__child", "enrolment__guardian")
        .order_by("day", "id")
    )


@dataclass(frozen=True)
class ChildTerm:
    enrolment: object
    present: int
    absent: int
    leave: int
    sessions: int  # sessions held while the child was enrolled

    @property
    def rate(self) -> Decimal | None:
        """Share of the sessions held while enrolled that the child attended (percent)."""
        if not self.sessions:
            return None
        return (Decimal(100 * self.present) / self.sessions).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


@dataclass(frozen=True)
class TermSummary:
    programme: object
    sessions_held: int
    children: list
    absences: int
    followed_up: int
    follow_ups_open: int


def term_summary(*, programme) -> TermSummary:
    """The term so far: a session is held on a day attendance was taken; per child the
    sessions held while enrolled and how they were marked; absences and their follow-up."""
    from engagement.models import Attendance, Enrolment

    marks = Attendance.objects.filter(enrolment__programme=programme)
    days = sorted(set(marks.values_list("day", flat=True)))
    counts = {}
    for enrolment_id, mark, n in marks.values_list("enrolment_id", "mark").annotate(n=Count("id")):
        counts[(enrolment_id, mark)] = n
    children = []
    enrolments = (
        Enrolment.objects.filter(programme=programme)
        .select_related("child", "guardian")
        .order_by("child__name", "id")
    )
    for enrolment in enrolments:
        since = timezone.localdate(enrolment.consent_at)
        until = timezone.localdate(enrolment.withdrawn_at) if enrolment.withdrawn_at else None
        held = sum(1 for d in days if d >= since and (until is None or d <= until))
        children.append(
            ChildTerm(
                enrolment=enrolment,
                present=counts.get((enrolment.pk, "present"), 0),
                absent=counts.get((enrolment.pk, "absent"), 0),
                leave=counts.get((enrolment.pk, "leave"), 0),
                sessions=held,
            )
        )
    return TermSummary(
        programme=programme,
        sessions_held=len(days),
        children=children,
        absences=marks.filter(mark="absent").count(),
        followed_up=marks.filter(follow_up="done").count(),
        follow_ups_open=marks.filter(follow_up="open").count(),
    )
