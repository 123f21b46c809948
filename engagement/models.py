"""Engagement (居民参与): venues, activities with sign-ups and volunteer hours, resident
deliberation (居民议事) and door-knock visits (支部敲门).

Nothing here changes except through `engagement.services`; counters (`Activity.taken`,
`Activity.volunteers_taken`) and states move only by conditional UPDATEs there.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orgs.models import Household, OrgUnit

# ---------------------------------------------------------------------------------------------
# Venues and activities


class Venue(models.Model):
    """A place where the community meets (阵地): 先锋驿站, 幸福驿站, 赋能港湾 …"""

    name = models.CharField(_("name"), max_length=50)
    community = models.ForeignKey(
        OrgUnit,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="venues",
        limit_choices_to={"kind": OrgUnit.Kind.COMMUNITY},
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), validators=[MinValueValidator(1), MaxValueValidator(10000)]
    )
    opening_hours = models.CharField(_("opening hours"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["community__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="venue_unique_name"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.community_id and self.community.kind != OrgUnit.Kind.COMMUNITY:
            raise ValidationError({"community": _("A venue belongs to a community.")})


class Activity(models.Model):
    """One session of an activity at a venue. A daily programme is one row per day."""

    title = models.CharField(_("Title"), max_length=100)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    organiser = models.CharField(_("organiser"), max_length=100)
    organiser_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("organising unit"),
        on_delete=models.PROTECT,
        related_name="organised_activities",
    )
    domain = models.ForeignKey(
        "catalog.Domain",
        verbose_name=_("domain"),
        on_delete=models.PROTECT,
        related_name="activities",
    )
    venue = models.ForeignKey(
        Venue, verbose_name=_("venue"), on_delete=models.PROTECT, related_name="activities"
    )
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    audience = models.CharField(_("who it is for"), max_length=100, blank=True)
    capacity = models.PositiveIntegerField(
        _("places"), validators=[MinValueValidator(1), MaxValueValidator(10000)]
    )
    volunteer_capacity = models.PositiveIntegerField(
        _("volunteer places"), default=0, validators=[MaxValueValidator(1000)]
    )
    # Confirmed places, moved only by conditional UPDATEs in the services.
    taken = models.PositiveIntegerField(_("places taken"), default=0, editable=False)
    volunteers_taken = models.PositiveIntegerField(
        _("volunteer places taken"), default=0, editable=False
    )
    series = models.ForeignKey(
        "ActivitySeries",
        verbose_name=_("series"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="activity_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(taken__lte=models.F("capacity")), name="activity_taken_within_capacity"
            ),
            models.CheckConstraint(
                condition=Q(volunteers_taken__lte=models.F("volunteer_capacity")),
                name="activity_volunteers_within_capacity",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def places_left(self) -> int:
        return max(0, self.capacity - self.taken)

    @property
    def volunteer_places_left(self) -> int:
        return max(0, self.volunteer_capacity - self.volunteers_taken)

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The end must be after the start.")
        if self.venue_id and self.capacity and self.capacity > self.venue.capacity:
            errors["capacity"] = _("The venue holds at most %(n)d people.") % {
                "n": self.venue.capacity
            }
        if errors:
            raise ValidationError(errors)


class ActivitySeries(models.Model):
    """Recurring sessions of one activity (e.g. every Tuesday for 10 weeks), each session its
    own `Activity` with its own sign-ups; public holidays are skipped."""

    title = models.CharField(_("Title"), max_length=100)
    weekday = models.PositiveSmallIntegerField(_("weekday"))  # Monday 0 … Sunday 6
    sessions = models.PositiveSmallIntegerField(_("sessions"))
    skipped = models.CharField(_("days skipped"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("activity series")
        verbose_name_plural = _("activity series")

    def __str__(self):
        return self.title


class Signup(models.Model):
    """A place (or a place on the waitlist) for one resident at one activity."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waitlist")
        CANCELLED = "cancelled", _("Cancelled")

    class HoursStatus(models.TextChoices):
        NONE = "", _("None reported")
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Not approved")

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="signups"
    )
    resident = models.ForeignKey(
        "residents.Resident",
        verbose_name=_("person taking part"),
        on_delete=models.CASCADE,
        related_name="activity_signups",
    )
    signed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed up by"),
        on_delete=models.CASCADE,
        related_name="activity_signups",
    )
    as_volunteer = models.BooleanField(_("as a volunteer"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    code = models.CharField(_("check-in code"), max_length=6)
    created_at = models.DateTimeField(_("signed up at"))
    promoted_at = models.DateTimeField(_("moved up from the waitlist at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked in by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    # Volunteer time: measured by staff (check-in to check-out) plus reported and approved.
    measured_minutes = models.PositiveIntegerField(_("measured minutes"), default=0)
    reported_minutes = models.PositiveIntegerField(_("reported minutes"), default=0)
    reported_note = models.CharField(_("what I did"), max_length=200, blank=True)
    hours_status = models.CharField(
        _("reported hours"), max_length=10, choices=HoursStatus.choices, blank=True, default=""
    )
    hours_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hours reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hours_reviewed_at = models.DateTimeField(_("hours reviewed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "resident"],
                condition=~Q(status="cancelled"),
                name="signup_one_active_per_resident",
            ),
            models.UniqueConstraint(fields=["activity", "code"], name="signup_unique_code"),
        ]
        indexes = [models.Index(fields=["activity", "status", "created_at"])]

    def __str__(self):
        return f"{self.resident} · {self.activity}"

    @property
    def approved_minutes(self) -> int:
        reported = self.reported_minutes if self.hours_status == self.HoursStatus.APPROVED else 0
        return self.measured_minutes + reported


class VolunteerProfile(models.Model):
    """A resident's own volunteer profile; party members may show their identity (党员亮身份)."""

    resident = models.OneToOneField(
        "residents.Resident",
        verbose_name=_("resident"),
        on_delete=models.CASCADE,
        related_name="volunteer_profile",
    )
    skills = models.CharField(_("what I can help with"), max_length=200, blank=True)
    show_party_identity = models.BooleanField(_("show my party identity"), default=False)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("volunteer profile")
        verbose_name_plural = _("volunteer profiles")

    def __str__(self):
        return str(self.resident)


# ---------------------------------------------------------------------------------------------
# Resident deliberation (居民议事)


class TopicStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    SCHEDULED = "scheduled", _("Meeting scheduled")
    DECIDED = "decided", _("Decided")


class Decision(models.TextChoices):
    ADOPTED = "adopted", _("Adopted")
    REJECTED = "rejected", _("Not adopted")
    REFERRED = "referred", _("Referred to a higher level")


# The one declaration of which step may leave which status, and where it leads (None: stays).
TOPIC_TRANSITIONS: dict[str, tuple[frozenset, str | None]] = {
    "support": (frozenset({TopicStatus.PROPOSED, TopicStatus.SCHEDULED}), None),
    "schedule": (frozenset({TopicStatus.PROPOSED, TopicStatus.SCHEDULED}), TopicStatus.SCHEDULED),
    "record": (frozenset({TopicStatus.SCHEDULED}), None),
    "decide": (frozenset({TopicStatus.SCHEDULED}), TopicStatus.DECIDED),
    "add_action": (frozenset({TopicStatus.DECIDED}), None),
}


class Topic(models.Model):
    """A matter residents want discussed, followed from proposal to completed actions."""

    title = models.CharField(_("Title"), max_length=100)
    description = models.TextField(_("description"), max_length=4000)
    community = models.ForeignKey(
        OrgUnit,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="topics",
        limit_choices_to={"kind": OrgUnit.Kind.COMMUNITY},
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_by_resident = models.BooleanField(_("proposed by a resident"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=TopicStatus.choices, default=TopicStatus.PROPOSED
    )
    support_count = models.PositiveIntegerField(_("supporters"), default=0)
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices, blank=True)
    decision_note = models.TextField(_("decision details"), blank=True, max_length=4000)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("proposed at"), db_index=True)

    class Meta:
        verbose_name = _("deliberation topic")
        verbose_name_plural = _("deliberation topics")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title


class TopicSupport(models.Model):
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="supports"
    )
    resident = models.ForeignKey(
        "residents.Resident",
        verbose_name=_("resident"),
        on_delete=models.CASCADE,
        related_name="topic_supports",
    )
    created_at = models.DateTimeField(_("supported at"))

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(fields=["topic", "resident"], name="support_once"),
        ]

    def __str__(self):
        return f"{self.resident} → {self.topic}"


class Meeting(models.Model):
    """The deliberation meeting of a topic: when, where, the agenda; then who came and minutes."""

    topic = models.OneToOneField(
        Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="meeting"
    )
    starts_at = models.DateTimeField(_("time"))
    venue = models.ForeignKey(
        Venue, verbose_name=_("venue"), on_delete=models.PROTECT, related_name="meetings"
    )
    agenda = models.TextField(_("agenda"), max_length=4000)
    attendees = models.ManyToManyField(
        "residents.Resident",
        verbose_name=_("residents who signed in"),
        blank=True,
        related_name="meetings_attended",
    )
    other_attendees = models.TextField(
        _("other attendees"),
        blank=True,
        max_length=2000,
        help_text=_("One per line: representatives of the property company, units, experts …"),
    )
    minutes = models.TextField(_("meeting minutes"), blank=True, max_length=20000)
    recorded_at = models.DateTimeField(_("minutes recorded at"), null=True, blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scheduled by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("deliberation meeting")
        verbose_name_plural = _("deliberation meetings")

    def __str__(self):
        return f"{self.topic} @ {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def other_attendee_list(self) -> list[str]:
        return [line.strip() for line in self.other_attendees.splitlines() if line.strip()]


class FollowUpAction(models.Model):
    """Something to do after a decision: owner, deadline, progress, done; maybe a case."""

    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="actions"
    )
    title = models.CharField(_("what"), max_length=200)
    owner = models.CharField(_("owner"), max_length=100)
    deadline = models.DateField(_("deadline"))
    progress = models.TextField(_("progress"), blank=True, max_length=4000)
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        ordering = ["deadline", "id"]

    def __str__(self):
        return self.title

    @property
    def is_overdue(self) -> bool:
        return not self.done and self.deadline < timezone.localdate()


# ---------------------------------------------------------------------------------------------
# Door-knock visits (支部敲门)


class Visit(models.Model):
    """A visit to a household: who went, when, what they heard; maybe turned into a case."""

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="visits"
    )
    visited_at = models.DateTimeField(_("visited at"), db_index=True)
    visitors = models.CharField(_("who visited"), max_length=200)
    heard = models.TextField(_("what we heard"), max_length=4000)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    case = models.OneToOneField(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="door_knock_visit",
    )
    created_at = models.DateTimeField(_("logged at"))

    class Meta:
        verbose_name = _("door-knock visit")
        verbose_name_plural = _("door-knock visits")
        ordering = ["-visited_at", "-id"]

    def __str__(self):
        return f"{self.household} @ {self.visited_at:%Y-%m-%d}"


# ---------------------------------------------------------------------------------------------
# Programmes with enrolment and daily attendance (在城长 after-school programme)


class Programme(models.Model):
    """A term of a programme held on every school day, e.g. 在城长 after school at 16:30."""

    name = models.CharField(_("name"), max_length=100)
    community = models.ForeignKey(
        OrgUnit,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="programmes",
        limit_choices_to={"kind": OrgUnit.Kind.COMMUNITY},
    )
    venue = models.ForeignKey(
        Venue, verbose_name=_("venue"), on_delete=models.PROTECT, related_name="programmes"
    )
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"))
    session_time = models.TimeField(_("daily session at"), default="16:30")
    capacity = models.PositiveIntegerField(
        _("places"), validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    description = models.TextField(_("description"), blank=True, max_length=4000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-term_start", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__gte=models.F("term_start")), name="programme_term_order"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.term_start and self.term_end and self.term_end < self.term_start:
            errors["term_end"] = _("The term must end after it starts.")
        if self.venue_id and self.community_id and self.venue.community_id != self.community_id:
            errors["venue"] = _("Choose a venue of the programme's community.")
        if errors:
            raise ValidationError(errors)


class Enrolment(models.Model):
    """A child in a programme, with the consent of a guardian of the same household."""

    class Consent(models.TextChoices):
        ONLINE = "online", _("Given online by the guardian")
        PAPER = "paper", _("Signed form collected by staff")

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="enrolments"
    )
    child = models.ForeignKey(
        "residents.Resident",
        verbose_name=_("child"),
        on_delete=models.CASCADE,
        related_name="enrolments",
    )
    guardian = models.ForeignKey(
        "residents.Resident",
        verbose_name=_("guardian"),
        on_delete=models.PROTECT,
        related_name="guarded_enrolments",
    )
    consent = models.CharField(_("consent"), max_length=8, choices=Consent.choices)
    consent_at = models.DateTimeField(_("consent given at"))
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consent recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["child__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "child"],
                condition=Q(withdrawn_at__isnull=True),
                name="enrolment_once_per_child",
            ),
        ]

    def __str__(self):
        return f"{self.child} · {self.programme}"


class Attendance(models.Model):
    """One child's mark on one day of a programme; an unexplained absence is followed up."""

    class Mark(models.TextChoices):
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")
        LEAVE = "leave", _("On leave")

    class FollowUp(models.TextChoices):
        NONE = "", _("No follow-up")
        OPEN = "open", _("Follow-up open")
        DONE = "done", _("Followed up")

    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="marks"
    )
    day = models.DateField(_("day"))
    mark = models.CharField(_("attendance"), max_length=8, choices=Mark.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    follow_up = models.CharField(
        _("follow-up"), max_length=8, choices=FollowUp.choices, blank=True, default=""
    )
    guardian_notified_at = models.DateTimeField(_("guardian notified at"), null=True, blank=True)
    outcome = models.CharField(_("outcome of the follow-up"), max_length=300, blank=True)
    followed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("followed up by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    followed_up_at = models.DateTimeField(_("followed up at"), null=True, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["day", "id"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "day"], name="attendance_once_a_day"),
        ]
        indexes = [models.Index(fields=["follow_up", "day"])]

    def __str__(self):
        return f"{self.enrolment.child} {self.day} {self.mark}"
