"""Door-knock visits (支部敲门)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from orgs.models import Household


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
    # The form's key (core.forms.content_key): a log sent twice, as a phone that kept it offline
    # may, is one visit.
    idempotency_key = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("door-knock visit")
        verbose_name_plural = _("door-knock visits")
        ordering = ["-visited_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["logged_by", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="visit_once_per_key",
            )
        ]

    def __str__(self):
        return f"{self.household} @ {self.visited_at:%Y-%m-%d}"


class PlannedVisit(models.Model):
    """A door to knock on by a day, for one person: planned ahead, on their round until a
    visit to the household is logged (by them or anyone), then done with that visit."""

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("visit by"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who visits"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("planned by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("why"), max_length=200, blank=True)
    visit = models.ForeignKey(
        Visit,
        verbose_name=_("visit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plans",
    )
    created_at = models.DateTimeField(_("planned at"))

    class Meta:
        verbose_name = _("planned door-knock visit")
        verbose_name_plural = _("planned door-knock visits")
        ordering = ["due_on", "id"]
        indexes = [
            # A person's round: their open plans, the soonest due first.
            models.Index(
                fields=["assignee", "due_on"],
                condition=models.Q(visit__isnull=True),
                name="planned_visit_open",
            )
        ]

    def __str__(self):
        return f"{self.household} by {self.due_on:%Y-%m-%d}"
