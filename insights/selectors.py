"""Reads for the dashboards: figures over any slice of the cases a user may see."""

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Q,
    QuerySet,
)
from django.db.models.functions import Extract, Substr, TruncMonth
from django.utils import timezone

from cases.models import OPEN_STATUSES, Case
from cases.selectors import cases_in_scope
from insights.metrics import METRICS, MOMENTS, Period, metric_q
from orgs.selectors import scope_for, subtree_q

PATH_SEGMENT = 8  # "0000001." per level of the org tree


@dataclass
class Figures:
    counts: dict[str, int]
    # Hours from submission to resolution of the cases resolved in the period.
    average_hours: float | None = None
    p90_hours: float | None = None  # nearest rank

    @staticmethod
    def _rate(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    @property
    def response_rate(self):
        return self._rate(self.counts["responded"], self.counts["dispatched"])

    @property
    def resolution_rate(self):
        return self._rate(self.counts["solved"], self.counts["followed_up"])

    @property
    def satisfaction_rate(self):
        return self._rate(self.counts["satisfied"], self.counts["rated"])

    @property
    def on_time_rate(self):
        return self._rate(self.counts["on_time"], self.counts["resolved"])

    @property
    def composite(self):
        rates = (self.response_rate, self.resolution_rate, self.satisfaction_rate)
        if any(r is None for r in rates):
            return None
        weights = settings.INSIGHTS_WEIGHTS
        return round(sum(r * w for r, w in zip(rates, weights, strict=True)) / sum(weights), 1)


def _aggregates(period: Period) -> dict:
    return {name: Count("pk", filter=metric_q(name, period)) for name in METRICS}


HANDLING = ExpressionWrapper(F("resolved_at") - F("created_at"), output_field=DurationField())


class NearestRank(Aggregate):
    """PostgreSQL's percentile_disc: the first value whose rank reaches the fraction, i.e. the
    nearest-rank percentile (row ceil(fraction × n) in order)."""

    function = "PERCENTILE_DISC"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, *, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


def _handling_hours(cases: QuerySet[Case], period: Period) -> tuple[float | None, float | None]:
    """Average and 90th percentile (nearest rank) in the database, without fetching rows:
    one pass on PostgreSQL; elsewhere the rank's row is read after counting."""
    resolved = cases.filter(metric_q("resolved", period))
    aggregates = {"n": Count("pk"), "average": Avg(HANDLING)}
    if connection.vendor == "postgresql":
        # Sorted as seconds: the same order as the intervals, and a third quicker to sort.
        seconds = Extract(HANDLING, "epoch", output_field=FloatField())
        aggregates["p90"] = NearestRank(seconds, fraction=0.9, output_field=FloatField())
    found = resolved.aggregate(**aggregates)
    if not found["n"]:
        return None, None
    p90 = found.get("p90")
    if p90 is None:  # not PostgreSQL: read the rank's row
        ordered = resolved.annotate(hours=HANDLING).order_by("hours")
        p90 = ordered.values_list("hours", flat=True)[math.ceil(0.9 * found["n"]) - 1]

    def hours(value: timedelta | float) -> float:
        seconds = value.total_seconds() if isinstance(value, timedelta) else value
        return round(seconds / 3600, 1)

    return hours(found["average"]), hours(p90)


def _relevant(cases: QuerySet[Case], period: Period) -> QuerySet[Case]:
    """Only cases with any fact in the period (an index-friendly pre-filter)."""
    return cases.filter(
        period.q("created_at")
        | period.q("resolved_at")
        | period.q("rated_at")
        | period.q("followed_up_at")
        | period.q("supervised_at")
    )


def figures(*, cases: QuerySet[Case], period: Period) -> Figures:
    cases = _relevant(cases, period)
    counts = cases.aggregate(**_aggregates(period))
    average, p90 = _handling_hours(cases, period)
    return Figures(counts=counts, average_hours=average, p90_hours=p90)


# What the monthly trend shows: received and the three rates.
TREND = ("dispatched", "responded", "followed_up", "solved", "rated", "satisfied")


def monthly_figures(*, cases: QuerySet[Case], months: list[tuple[str, Period]]) -> list:
    """The trend's figures for each month: per kind of moment, one pass grouped by the month
    the moment falls in (months must follow each other, as `last_months` gives them)."""
    span = Period(months[0][1].start, months[-1][1].end)
    by_moment = defaultdict(list)  # TREND lists the plain count first for each moment
    for name in TREND:
        by_moment[MOMENTS[name]].append(name)
    counts = {label: dict.fromkeys(TREND, 0) for label, _period in months}
    for names in by_moment.values():
        month = TruncMonth(MOMENTS[names[0]], tzinfo=timezone.get_current_timezone())
        rows = (
            cases.filter(metric_q(names[0], span))  # the widest: the others add conditions
            .annotate(month=month)
            .values("month")
            .annotate(**{name: Count("pk", filter=metric_q(name, span)) for name in names})
            .order_by()
        )
        for row in rows:
            label = f"{row['month']:%Y-%m}"
            if label in counts:
                counts[label].update({name: row[name] for name in names})
    return [(label, Figures(counts=counts[label])) for label, _period in months]


GROUPS = {
    "community": Substr("area_path", 1, 2 * PATH_SEGMENT),
    "grid": Substr("area_path", 1, 3 * PATH_SEGMENT),
    "company": "company_id",
    "domain": "domain_id",
    "item": "item_id",
    "estate": "estate_id",
    "channel": "channel",
}


def figures_by(*, cases: QuerySet[Case], period: Period, group: str) -> dict:
    """Figures per community, grid, company, domain, item, estate or channel."""
    return figures_by_each(cases=cases, period=period, groups=(group,))[group]


def figures_by_each(*, cases: QuerySet[Case], period: Period, groups) -> dict[str, dict]:
    """`figures_by` for several groupings from one pass: every figure is a count, so the
    counts per combination of keys add up exactly to the counts per key."""
    return _breakdown(cases, period, groups)[1]


def figures_and_breakdown(*, cases: QuerySet[Case], period: Period, groups):
    """`figures` and `figures_by_each` together: the totals are the sum of the breakdown's
    rows, so the whole takes one counting pass (plus the handling time's)."""
    totals, by = _breakdown(cases, period, groups)
    average, p90 = _handling_hours(_relevant(cases, period), period)
    return Figures(counts=totals, average_hours=average, p90_hours=p90), by


def _breakdown(cases, period, groups) -> tuple[dict[str, int], dict[str, dict]]:
    cases = _relevant(cases, period)
    keys = {}
    for group in groups:
        key = GROUPS[group]
        if not isinstance(key, str):
            cases = cases.annotate(**{f"{group}_key": key})
            key = f"{group}_key"
        keys[group] = key
    rows = cases.values(*keys.values()).annotate(**_aggregates(period)).order_by()
    totals = dict.fromkeys(METRICS, 0)
    result = {group: {} for group in groups}
    for row in rows:
        counts = {name: row[name] for name in METRICS}
        for name, n in counts.items():
            totals[name] += n
        for group, key in keys.items():
            value = row[key]
            if value in (None, ""):
                continue
            found = result[group].setdefault(value, Figures(counts=dict.fromkeys(METRICS, 0)))
            for name, n in counts.items():
                found.counts[name] += n
    return totals, {group: dict(sorted(found.items())) for group, found in result.items()}


def cases_for_metric(*, cases: QuerySet[Case], metric: str, period: Period) -> QuerySet[Case]:
    """The cases behind a figure: the click-through of every number."""
    return (
        cases.filter(metric_q(metric, period))
        .select_related("item", "estate", "domain", "owner_unit")
        .order_by("-created_at")
    )


# ---------------------------------------------------------------------------------------------
# Slices and periods


def sliced_cases(
    *, user, org_unit=None, company=None, domain=None, item=None, channel: str = ""
) -> QuerySet[Case]:
    cases = cases_in_scope(user=user)
    if org_unit is not None:
        cases = cases.filter(subtree_q("area_path", [org_unit.path]))
    if company is not None:
        cases = cases.filter(company=company)
    if domain is not None:
        cases = cases.filter(domain=domain)
    if item is not None:
        cases = cases.filter(item=item)
    if channel:
        cases = cases.filter(channel=channel)
    return cases


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def month_period(year: int, month: int) -> Period:
    start = date(year, month, 1)
    end = date(year + (month == 12), month % 12 + 1, 1)
    return Period(_midnight(start), _midnight(end))


def days_period(first: date, last: date) -> Period:
    return Period(_midnight(first), _midnight(last + timedelta(days=1)))


def last_months(n: int, *, today: date | None = None) -> list[tuple[str, Period]]:
    today = today or timezone.localdate()
    months = []
    year, month = today.year, today.month
    for _ in range(n):
        months.append((f"{year}-{month:02d}", month_period(year, month)))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(months))


def overdue_cases(*, cases: QuerySet[Case], now=None) -> QuerySet[Case]:
    now = now or timezone.now()
    return (
        cases.filter(status__in=OPEN_STATUSES, resolution_due__lte=now)
        .select_related("item", "estate", "owner_unit")
        .order_by("resolution_due")
    )


def hotspots(*, cases: QuerySet[Case], period: Period, previous: Period, minimum: int = 3):
    """Recurring problems: place (estate, building) x item, ranked, with the previous period's
    count for the trend."""

    def counts(p):
        rows = cases.filter(p.q("created_at")).values("estate_id", "building_id", "item_id")
        return {
            (r["estate_id"], r["building_id"], r["item_id"]): r["n"]
            for r in rows.annotate(n=Count("pk")).order_by()
        }

    now, before = counts(period), counts(previous)
    ranked = sorted(
        ((key, n, before.get(key, 0)) for key, n in now.items() if n >= minimum),
        key=lambda row: (-row[1], row[0][0], row[0][1] or 0, row[0][2]),
    )
    return ranked


def place_q(estate_id, building_id, item_id) -> Q:
    return Q(estate_id=estate_id, building_id=building_id, item_id=item_id)


def topic_owner_candidates(*, user):
    """Staff who work in the user's area and can own a topic."""
    from orgs.models import User

    scope = scope_for(user)
    return (
        User.objects.filter(
            subtree_q("memberships__org_unit__path", scope.org_paths)
            | Q(memberships__company_id__in=scope.company_ids)
            | Q(pk=user.pk),
            is_active=True,
        )
        .distinct()
        .order_by("full_name")
    )
