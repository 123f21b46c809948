"""Care for elderly people living alone and other vulnerable residents (敲敲·走进你心里).

A resident tagged for care becomes a `CareRecipient`; structured `Assessment`s (with history)
give a risk level; the `CarePlan` sets how often someone visits, and each `CareVisit` is
logged. Deadlines (`CarePlan.next_visit_due`, `CareRecipient.reassessment_due`) are columns
computed at write time by `care.services`; the worker raises a `CareAlert` when one passes.

Health data is personal data: reads go through `care.selectors` (the recipient's grid and
community, and the people the plan assigns), and every view of an assessment leaves an
`AssessmentAccess` row.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orgs.fields import PathField


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low risk")
    MEDIUM = "medium", _("Medium risk")
    HIGH = "high", _("High risk")


class CareRecipient(models.Model):
    class LeaveReason(models.TextChoices):
        NO_LONGER_NEEDED = "no_longer_needed", _("No longer needs care")
        MOVED_AWAY = "moved_away", _("Moved away")
        PASSED_AWAY = "passed_away", _("Passed away")
        CONSENT_WITHDRAWN = "consent_withdrawn", _("Withdrew their consent")

    # Both empty once the records are anonymised (`care.services.recipient_anonymise`).
    resident = models.OneToOneField(
        "residents.Resident",
        verbose_name=_("resident"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="care_recipient",
    )
    household = models.ForeignKey(
        "orgs.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="care_recipients",
    )
    # The micro-grid's path (from the household's building), so scope is one range scan.
    area_path = PathField(_("area"), max_length=255, db_index=True, editable=False)
    risk_level = models.CharField(
        _("risk level"), max_length=8, choices=RiskLevel.choices, blank=True
    )
    reassessment_due = models.DateField(_("reassessment due"), null=True, blank=True)
    enrolled_at = models.DateTimeField(_("enrolled at"))
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("enrolled by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_active = models.BooleanField(_("in care"), default=True)
    left_at = models.DateTimeField(_("left care at"), null=True, blank=True, db_index=True)
    leave_reason = models.CharField(
        _("why they left"), max_length=20, choices=LeaveReason.choices, blank=True
    )
    anonymised_at = models.DateTimeField(_("records anonymised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("care recipient")
        verbose_name_plural = _("care recipients")
        ordering = ["area_path", "id"]

    def __str__(self):
        return str(self.resident or _("(anonymised)"))


class Assessment(models.Model):
    """One structured assessment; the answers are kept as given, the scores as computed."""

    recipient = models.ForeignKey(
        CareRecipient,
        verbose_name=_("care recipient"),
        on_delete=models.CASCADE,
        related_name="assessments",
    )
    assessed_at = models.DateTimeField(_("assessed at"), db_index=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    answers = models.JSONField(_("answers"))
    physical_score = models.PositiveSmallIntegerField(_("physical health"))
    mental_score = models.PositiveSmallIntegerField(_("mental state"))
    family_score = models.PositiveSmallIntegerField(_("family and economic situation"))
    risk_level = models.CharField(_("risk level"), max_length=8, choices=RiskLevel.choices)
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    next_due = models.DateField(_("reassess by"))

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-assessed_at", "-id"]

    def __str__(self):
        return f"{self.recipient} @ {self.assessed_at:%Y-%m-%d}"

    @property
    def total_score(self) -> int:
        return self.physical_score + self.mental_score + self.family_score


class AssessmentAccess(models.Model):
    """An audit row for every time someone opens an assessment."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("viewed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    assessment = models.ForeignKey(
        Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="accesses"
    )
    ip = models.CharField(_("IP address"), max_length=45, blank=True)
    at = models.DateTimeField(_("at"), db_index=True)

    class Meta:
        verbose_name = _("assessment access")
        verbose_name_plural = _("assessment accesses")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.actor} → {self.assessment} @ {self.at:%Y-%m-%d %H:%M}"


class CarePlan(models.Model):
    """How the recipient is looked after: visit frequency, needs, who visits."""

    recipient = models.OneToOneField(
        CareRecipient,
        verbose_name=_("care recipient"),
        on_delete=models.CASCADE,
        related_name="plan",
    )
    visit_every_days = models.PositiveSmallIntegerField(_("visit every (days)"))
    needs = models.TextField(_("needs"), blank=True, max_length=2000)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible grid worker"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="care_plans",
    )
    volunteers = models.ManyToManyField(
        "residents.Resident",
        verbose_name=_("volunteers"),
        blank=True,
        related_name="care_plans_as_volunteer",
    )
    partner = models.ForeignKey(
        "alliance.Partner",
        verbose_name=_("partner organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="care_plans",
    )
    next_visit_due = models.DateField(_("next visit due"), db_index=True)
    updated_at = models.DateTimeField(_("updated at"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("care plan")
        verbose_name_plural = _("care plans")

    def __str__(self):
        return f"{self.recipient} · {self.visit_every_days}d"


class CareVisit(models.Model):
    class Kind(models.TextChoices):
        HOME = "home", _("Home visit")
        PHONE = "phone", _("Phone call")

    class Wellbeing(models.TextChoices):
        GOOD = "good", _("Doing well")
        FAIR = "fair", _("Some concerns")
        POOR = "poor", _("Needs help")

    recipient = models.ForeignKey(
        CareRecipient,
        verbose_name=_("care recipient"),
        on_delete=models.CASCADE,
        related_name="visits",
    )
    visited_at = models.DateTimeField(_("visited at"), db_index=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.HOME)
    visitors = models.CharField(_("who visited"), max_length=200)
    wellbeing = models.CharField(
        _("how they are"), max_length=8, choices=Wellbeing.choices, blank=True
    )
    findings = models.TextField(_("findings"), max_length=4000)
    follow_up = models.CharField(_("follow-up"), max_length=500, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    partner = models.ForeignKey(
        "alliance.Partner",
        verbose_name=_("for partner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="care_visits",
    )
    case = models.OneToOneField(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="care_visit",
    )
    created_at = models.DateTimeField(_("logged at"))
    # The form's key (core.forms.content_key): a log sent twice, as a phone that kept it offline
    # may, is one visit.
    idempotency_key = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("care visit")
        verbose_name_plural = _("care visits")
        ordering = ["-visited_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["logged_by", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="care_visit_once_per_key",
            )
        ]

    def __str__(self):
        return f"{self.recipient} @ {self.visited_at:%Y-%m-%d}"


class CareAlert(models.Model):
    """An alert on a responsible person's home page: a visit or reassessment is overdue.

    Raised by the worker once per person, recipient, kind and due date; cleared when the visit
    or assessment is done."""

    class Kind(models.TextChoices):
        VISIT_OVERDUE = "visit_overdue", _("Visit overdue")
        REASSESSMENT_DUE = "reassessment_due", _("Reassessment due")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("for"),
        on_delete=models.CASCADE,
        related_name="care_alerts",
    )
    recipient = models.ForeignKey(
        CareRecipient,
        verbose_name=_("care recipient"),
        on_delete=models.CASCADE,
        related_name="alerts",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    due_on = models.DateField(_("due on"))
    created_at = models.DateTimeField(_("raised at"))
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)

    class Meta:
        verbose_name = _("care alert")
        verbose_name_plural = _("care alerts")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "recipient", "kind", "due_on"], name="care_alert_once"
            ),
        ]
        indexes = [
            models.Index(
                fields=["user", "created_at"],
                condition=Q(cleared_at__isnull=True),
                name="care_alert_open",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.recipient}"
