"""What happens to a case: its timeline, the parties taking part, photos, extensions, and
the day's tracking numbers."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models.case import Case
from cases.models.lifecycle import Action, Party, Status


class CaseEvent(models.Model):
    """One line of a case's append-only timeline: who, which party, what, when, public?"""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("at"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    party = models.CharField(_("party"), max_length=20, choices=Party.choices)
    action = models.CharField(_("action"), max_length=24, choices=Action.choices)
    from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    public = models.BooleanField(_("visible to the resident"), default=True)
    # An internal note for the community side only (never public): health or family details
    # that the property company and partners need not read (`cases.selectors.timeline`).
    community_only = models.BooleanField(_("community side only"), default=False)
    unit = models.ForeignKey(
        "orgs.OrgUnit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    # The id of the transaction that wrote the event, set by PostgreSQL (0 elsewhere, and for
    # events older than the column): the change feed reads in commit order by it, because ids
    # are handed out before commit (`cases.selectors.events_committed`).
    txid = models.BigIntegerField(db_default=0, editable=False)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["action", "at"], name="event_action_at"),
            models.Index(fields=["txid", "id"], name="event_commit_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(community_only=False) | models.Q(public=False),
                name="event_community_only_is_internal",
            )
        ]

    def __str__(self):
        return f"{self.case_id} {self.action} @ {self.at:%Y-%m-%d %H:%M}"


class Participant(models.Model):
    """A unit or company taking part in a case: the lead, co-handlers and watchers."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        CO_HANDLER = "co_handler", _("Co-handler")
        WATCHER = "watcher", _("Watcher")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="participants")
    org_unit = models.ForeignKey(
        "orgs.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    company = models.ForeignKey(
        "orgs.PropertyCompany", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    joined_at = models.DateTimeField(_("joined at"))
    is_active = models.BooleanField(default=True)
    # The two parties of dual receipt. Their scope is already the case's own `area_path` and
    # `company`; only parties that joined later (transfer, whistle) widen who sees the case.
    at_intake = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        indexes = [
            models.Index(
                fields=["org_unit", "case"],
                condition=models.Q(at_intake=False),
                name="participant_later_unit",
            ),
            models.Index(
                fields=["company", "case"],
                condition=models.Q(at_intake=False),
                name="participant_later_company",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(org_unit__isnull=False, company__isnull=True)
                    | models.Q(org_unit__isnull=True, company__isnull=False)
                ),
                name="participant_one_party",
            ),
        ]

    def __str__(self):
        return f"{self.org_unit or self.company} ({self.get_role_display()})"


class CasePhoto(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="photos")
    event = models.ForeignKey(
        CaseEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="photos"
    )
    image = models.FileField(_("image"), upload_to="cases/%Y/%m/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Shown in public (Open311's media_url) only with both: the resident's yes when reporting,
    # and a staff member's check of what the picture shows.
    public_consent = models.BooleanField(_("the resident agreed to publish it"), default=False)
    published_at = models.DateTimeField(_("approved for publication at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved for publication by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["id"]

    def __str__(self):
        return self.image.name


class Extension(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=500)
    new_due = models.DateTimeField(_("new deadline"))
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        ordering = ["-requested_at"]

    def __str__(self):
        return f"{self.case_id} → {self.new_due:%Y-%m-%d %H:%M} ({self.state})"


class TrackingCounter(models.Model):
    """Per prefix and day, the last sequence number handed out for tracking numbers."""

    prefix = models.CharField(max_length=8)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "day"], name="tracking_counter_unique"),
        ]

    def __str__(self):
        return f"{self.prefix}{self.day:%Y%m%d}: {self.last}"
