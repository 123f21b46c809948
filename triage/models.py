"""Triage: versioned text models, and what each one suggested for each case."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ModelVersion(models.Model):
    """One trained model. The pipeline itself is stored in the row, so every app server and
    worker loads the same active version from the database; nothing lives on one disk."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    created_at = models.DateTimeField(_("trained at"))
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trained by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=False)
    labels = models.JSONField(_("item codes"), default=list)
    samples = models.JSONField(_("training samples"), default=dict)
    last_case_id = models.BigIntegerField(default=0)
    last_event_id = models.BigIntegerField(default=0)
    blob = models.BinaryField(_("pipeline"))

    class Meta:
        verbose_name = _("triage model")
        verbose_name_plural = _("triage models")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=models.Q(is_active=True), name="triage_one_active"
            ),
        ]

    def __str__(self):
        return f"v{self.version}"


class Suggestion(models.Model):
    """What the active model suggested when a case was filed, and what became of it."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, related_name="triage_suggestion"
    )
    model = models.ForeignKey(
        ModelVersion, verbose_name=_("model"), on_delete=models.PROTECT, related_name="suggestions"
    )
    created_at = models.DateTimeField(_("suggested at"))
    ranked = models.JSONField(_("suggested items"), default=list)  # [[code, confidence], …]
    top_item = models.ForeignKey(
        "catalog.Item",
        verbose_name=_("first suggestion"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    filed_item = models.ForeignKey(
        "catalog.Item", verbose_name=_("item filed"), on_delete=models.PROTECT, related_name="+"
    )
    priority = models.CharField(_("suggested priority"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("triage suggestion")
        verbose_name_plural = _("triage suggestions")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.case_id}: {self.top_item_id} ({self.model})"

    @property
    def accepted(self) -> bool:
        return self.top_item_id == self.filed_item_id
