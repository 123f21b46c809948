"""请回电: a resident who cannot type asks their community to call them. The request is kept
until someone has called, and what they heard becomes a case (channel phone), so nobody who
asked is forgotten."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models.case import Case


class CallbackRequest(models.Model):
    resident = models.ForeignKey(
        "residents.Resident",
        verbose_name=_("resident"),
        on_delete=models.CASCADE,
        related_name="callback_requests",
    )
    estate = models.ForeignKey("orgs.Estate", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        "orgs.Household", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mobile = models.CharField(_("mobile"), max_length=20)
    note = models.CharField(_("what it is about"), max_length=200, blank=True)
    requested_at = models.DateTimeField(_("asked at"))
    called_at = models.DateTimeField(_("called back at"), null=True, blank=True)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("call-back request")
        verbose_name_plural = _("call-back requests")
        ordering = ["requested_at", "id"]
        indexes = [
            models.Index(
                fields=["estate", "requested_at"],
                condition=models.Q(called_at__isnull=True),
                name="callback_waiting",
            )
        ]

    def __str__(self):
        return f"{self.resident_id} @ {self.requested_at:%Y-%m-%d %H:%M}"
