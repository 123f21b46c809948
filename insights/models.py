from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from insights.metrics import BANDS
from orgs.fields import PathField


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


TALLY_KEY = ("grain", "start", "area_path", "company_id", "estate_id", "domain_id")


class Tally(models.Model):
    """The figures' counts per day and per month, per place (area, company, estate) and domain,
    kept up to date in the same transaction as every change to a case (`insights.services`):
    a dashboard adds up a few thousand of these instead of counting a million cases. Each
    column is a tally of `insights.metrics.TALLIES`; `manage.py tally_rebuild` recounts them."""

    class Grain(models.TextChoices):
        DAY = "d", _("day")
        MONTH = "m", _("month")

    grain = models.CharField(max_length=1, choices=Grain.choices)
    start = models.DateField()  # the day, or the first day of the month
    area_path = PathField(max_length=255)
    company_id = models.BigIntegerField()  # 0: no company
    estate_id = models.BigIntegerField()
    domain_id = models.BigIntegerField()
    dispatched = models.IntegerField(default=0)
    responded = models.IntegerField(default=0)
    returned = models.IntegerField(default=0)
    reopened = models.IntegerField(default=0)
    escalated = models.IntegerField(default=0)
    followed_up = models.IntegerField(default=0)
    solved_by_call = models.IntegerField(default=0)
    solved_satisfied = models.IntegerField(default=0)
    solved_basic = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    rated_satisfied = models.IntegerField(default=0)
    rated_basic = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    doorstep = models.IntegerField(default=0)
    supervised = models.IntegerField(default=0)
    handling_us = models.BigIntegerField(default=0)
    # handling_band0 … handling_band23: resolved cases per band of handling time (BAND_HOURS).

    class Meta:
        constraints = [models.UniqueConstraint(fields=TALLY_KEY, name="insights_tally_key")]

    def __str__(self):
        return f"{self.grain} {self.start} {self.area_path}"


for _band in BANDS:
    Tally.add_to_class(_band, models.IntegerField(default=0))
