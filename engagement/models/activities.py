"""Venues and activities."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orgs.models import OrgUnit


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
