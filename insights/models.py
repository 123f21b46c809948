from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MonthlyTopic(models.Model):
    """A recurring problem taken up to fix at the source (每月一题 / 未诉先办)."""

    class State(models.TextChoices):
        OPEN = "open", _("In progress")
        DONE = "done", _("Done")

    title = models.CharField(pgettext_lazy("monthly topic", "title"), max_length=100)
    month = models.DateField(_("month"), help_text=_("The first day of the topic's month."))
    estate = models.ForeignKey(
        "orgs.Estate", verbose_name=_("estate"), on_delete=models.PROTECT, related_name="+"
    )
    building = models.ForeignKey(
        "orgs.Building",
        verbose_name=_("building"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    item = models.ForeignKey(
        "catalog.Item", verbose_name=_("item"), on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    target_date = models.DateField(_("target date"))
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("monthly topic")
        verbose_name_plural = _("monthly topics")
        ordering = ["-month", "-created_at"]

    def __str__(self):
        return self.title


class TopicNote(models.Model):
    topic = models.ForeignKey(MonthlyTopic, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.CharField(_("progress note"), max_length=1000)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")
        ordering = ["at", "id"]

    def __str__(self):
        return self.text[:40]
