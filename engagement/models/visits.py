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
