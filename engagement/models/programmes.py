"""Programmes with enrolment and daily attendance (在城长 after-school programme)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from engagement.models.activities import Venue
from orgs.models import OrgUnit


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
