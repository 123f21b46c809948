"""The figures' counts, kept per day and month in the transaction of every change to a case."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from orgs.fields import PathField

# The bands of handling time (submission to resolution), by upper bound in hours: narrow where
# handling times are common. A resolved case counts in one band, so the 90th percentile is
# found by reading the cases of one band only.
BAND_HOURS = (
    *(1, 2, 3, 4, 6, 8, 12, 18, 24, 30, 36, 48),
    *(60, 72, 84, 96, 108, 120, 144, 168, 240, 360, 720),
)
BANDS = tuple(f"handling_band{i}" for i in range(len(BAND_HOURS) + 1))

TALLY_KEY = ("grain", "start", "area_path", "company_id", "estate_id", "domain_id")


class Tally(models.Model):
    """The figures' counts per day and per month, per place (area, company, estate) and domain,
    kept up to date in the same transaction as every change to a case (`cases.tallies`): a
    dashboard adds up a few thousand of these instead of counting a million cases. Each column
    is a tally of `cases.tallies.TALLIES`; `manage.py tally_rebuild` recounts them.

    The table keeps the name it was created with, when insights kept it."""

    class Grain(models.TextChoices):
        DAY = "d", _("day")
        MONTH = "m", _("month")

    grain = models.CharField(max_length=1, choices=Grain.choices)
    start = models.DateField()  # the day, or the first day of the month
    area_path = PathField(max_length=255)
    company_id = models.BigIntegerField()  # 0: no company
    estate_id = models.BigIntegerField()
    domain_id = models.BigIntegerField()
    received = models.IntegerField(default=0)
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
        db_table = "insights_tally"
        constraints = [models.UniqueConstraint(fields=TALLY_KEY, name="insights_tally_key")]

    def __str__(self):
        return f"{self.grain} {self.start} {self.area_path}"


for _band in BANDS:
    Tally.add_to_class(_band, models.IntegerField(default=0))
