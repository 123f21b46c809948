"""Reads for the dashboards: figures over any slice of the cases a user may see."""

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, time, timedelta

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr, TruncMonth
from django.utils import timezone

from cases.models import OPEN_STATUSES, Case, Tally
from cases.selectors import cases_in_scope, scope_parts
from cases.tallies import (
    BANDS,
    BY_MOMENT,
    COLUMNS,
    HANDLING,
    HANDLING_SUM,
    MOMENT_EXPRESSIONS,
    TALLIES,
    band_q,
)
from insights.metrics import Period, metric_counts, metric_q, metric_tallies, moment_q, tally_q
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
        return self._rate(self.counts["responded"], self.counts["received"])

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


@dataclass(frozen=True)
class Slice:
    """Cases to count, described so that the tallies can count most of them: `place` selects
    both tally rows and cases (by area, company and domain), and `extra` holds the slice's
    cases outside those places (joined later, assigned), counted live. Without a `place` (a
    slice by item or channel, or any other queryset) every figure is counted from the cases."""

    cases: QuerySet[Case]
    place: Q | None = None
    extra: QuerySet[Case] | None = None


def _as_slice(cases: "QuerySet[Case] | Slice") -> Slice:
    return cases if isinstance(cases, Slice) else Slice(cases)


def _zero() -> dict[str, int]:
    return dict.fromkeys(COLUMNS, 0)


def _add(into: dict[str, int], row: dict) -> None:
    for name in COLUMNS:
        into[name] += row[name] or 0


def _figures(tallied: dict[str, int]) -> Figures:
    resolved = tallied["resolved"]
    average = round(tallied[HANDLING_SUM] / resolved / 3_600_000_000, 1) if resolved else None
    return Figures(counts=metric_counts(tallied), average_hours=average)


def _microseconds(value) -> int:
    if value is None:
        return 0
    return value // timedelta(microseconds=1) if isinstance(value, timedelta) else int(value)


def _keyed(rows: QuerySet, keys: dict) -> tuple[QuerySet, dict[str, str]]:
    """Annotate the keys that are expressions; returns the column name of every key."""
    names = {}
    for name, key in keys.items():
        if not isinstance(key, str):
            rows = rows.annotate(**{f"{name}_key": key})
            key = f"{name}_key"
        names[name] = key
    return rows, names


def _live_rows(cases: QuerySet[Case], period: Period, keys: dict) -> list[dict]:
    """The tallies per combination of keys, counted from the cases in one pass."""
    cases, names = _keyed(_relevant(cases, period), keys)
    resolved = moment_q("resolved", period)
    aggregates = {t: Count("pk", filter=tally_q(t, period)) for t in TALLIES}
    aggregates[HANDLING_SUM] = Sum(HANDLING, filter=resolved)
    aggregates.update({b: Count("pk", filter=resolved & band_q(i)) for i, b in enumerate(BANDS)})
    rows = cases.annotate(handling=HANDLING).values(*names.values()).annotate(**aggregates)
    return [
        {name: row[key] for name, key in names.items()}
        | {c: row[c] for c in COLUMNS}
        | {HANDLING_SUM: _microseconds(row[HANDLING_SUM])}
        for row in rows.order_by()
    ]


def _tally_period_q(period: Period) -> Q | None:
    """Tally rows that cover the period exactly: whole months, and days at the edges. None if
    the period does not run from midnight to midnight."""
    start, end = timezone.localtime(period.start), timezone.localtime(period.end)
    if start.time() != time.min or end.time() != time.min:
        return None
    first, last = start.date(), end.date()
    first_month = first if first.day == 1 else _next_month(first)
    last_month = last.replace(day=1)
    if first_month >= last_month:
        return Q(grain=Tally.Grain.DAY, start__gte=first, start__lt=last)
    return (
        Q(grain=Tally.Grain.MONTH, start__gte=first_month, start__lt=last_month)
        | Q(grain=Tally.Grain.DAY, start__gte=first, start__lt=first_month)
        | Q(grain=Tally.Grain.DAY, start__gte=last_month, start__lt=last)
    )


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _rows(cases, period: Period, keys: dict) -> list[dict]:
    """The tallies per combination of keys: from the tally rows where the slice and the period
    allow it (plus the slice's cases outside their places), else from the cases."""
    source = _as_slice(cases)
    when = _tally_period_q(period)
    if source.place is None or when is None or any(k not in TALLY_KEYS for k in keys):
        return _live_rows(source.cases, period, keys)
    tallies, names = _keyed(Tally.objects.filter(when, source.place), keys)
    rows = [
        {name: row[key] for name, key in names.items()} | {c: row[c] for c in COLUMNS}
        for row in tallies.values(*names.values())
        .annotate(**{c: Sum(c) for c in COLUMNS})
        .order_by()
    ]
    for row in rows:
        if row.get("company") == 0:
            row["company"] = None
    if source.extra is not None:
        rows += _live_rows(source.extra, period, keys)
    return rows


def _p90_hours(cases: QuerySet[Case], period: Period, tallied: dict[str, int]) -> float | None:
    """The 90th percentile of handling time (nearest rank: the ceil(0.9 n)-th shortest): the
    bands' counts tell which band holds that rank, and only that band's cases are read, along
    the handling-time index."""
    rank, band = math.ceil(0.9 * tallied["resolved"]), 0
    while band < len(BANDS) and rank > tallied[BANDS[band]]:
        rank -= tallied[BANDS[band]]
        band += 1
    if band == len(BANDS):
        return None
    in_band = (
        cases.filter(moment_q("resolved", period))
        .annotate(handling=HANDLING)
        .filter(band_q(band))
        .order_by("handling")
    )
    value = in_band.values_list("handling", flat=True)[rank - 1 : rank].first()
    return None if value is None else round(value.total_seconds() / 3600, 1)


def _relevant(cases: QuerySet[Case], period: Period) -> QuerySet[Case]:
    """Only cases with any fact in the period (an index-friendly pre-filter)."""
    return cases.filter(
        period.q("created_at")
        | period.q("resolved_at")
        | period.q("rated_at")
        | period.q("followed_up_at")
        | period.q("supervised_at")
    )


def figures(*, cases: "QuerySet[Case] | Slice", period: Period) -> Figures:
    return figures_and_breakdown(cases=cases, period=period, groups=())[0]


# What the monthly trend shows: received and the three rates.
TREND = ("received", "responded", "followed_up", "solved", "rated", "satisfied")


def monthly_figures(*, cases: "QuerySet[Case] | Slice", months: list[tuple[str, Period]]) -> list:
    """The trend's figures for each month (months must follow each other, as `last_months`
    gives them): from the month tallies, or else one pass per kind of moment, grouped by the
    month the moment falls in."""
    source = _as_slice(cases)
    span = Period(months[0][1].start, months[-1][1].end)
    tallied = {label: _zero() for label, _period in months}
    first = timezone.localtime(span.start)
    if source.place is not None and first.day == 1 and first.time() == time.min:
        rows = (
            Tally.objects.filter(
                source.place,
                grain=Tally.Grain.MONTH,
                start__gte=first.date(),
                start__lt=timezone.localtime(span.end).date(),
            )
            .values("start")
            .annotate(**{c: Sum(c) for c in COLUMNS})
            .order_by()
        )
        for row in rows:
            _add(tallied[f"{row['start']:%Y-%m}"], row)
        extra = source.extra
    else:
        extra = source.cases
    if extra is not None:
        for label, row in _live_by_month(extra, span):
            if label in tallied:
                _add(tallied[label], row)
    return [(label, _figures(tallied[label])) for label, _period in months]


def _live_by_month(cases: QuerySet[Case], span: Period):
    wanted = {t for name in TREND for t in metric_tallies(name)}
    for moment, all_names in BY_MOMENT.items():
        names = [name for name in all_names if name in wanted]
        if not names:
            continue
        month = TruncMonth(MOMENT_EXPRESSIONS[moment], tzinfo=timezone.get_current_timezone())
        rows = (
            cases.filter(moment_q(moment, span))
            .annotate(month=month)
            .values("month")
            .annotate(**{name: Count("pk", filter=TALLIES[name].q) for name in names})
            .order_by()
        )
        for row in rows:
            yield f"{row['month']:%Y-%m}", _zero() | {name: row[name] for name in names}


# What the breakdowns group by; those in TALLY_KEYS can be read from the tallies.
GROUPS = {
    "community": Substr("area_path", 1, 2 * PATH_SEGMENT),
    "grid": Substr("area_path", 1, 3 * PATH_SEGMENT),
    "company": "company_id",
    "domain": "domain_id",
    "item": "item_id",
    "estate": "estate_id",
    "channel": "channel",
}
TALLY_KEYS = {name: GROUPS[name] for name in ("community", "grid", "company", "domain", "estate")}


def figures_by(*, cases: "QuerySet[Case] | Slice", period: Period, group: str) -> dict:
    """Figures per community, grid, company, domain, item, estate or channel."""
    return figures_by_each(cases=cases, period=period, groups=(group,))[group]


def figures_by_each(*, cases: "QuerySet[Case] | Slice", period: Period, groups) -> dict:
    """`figures_by` for several groupings from one pass: every figure is a count, so the
    counts per combination of keys add up exactly to the counts per key."""
    return _breakdown(cases, period, groups)[1]


def figures_and_breakdown(*, cases: "QuerySet[Case] | Slice", period: Period, groups):
    """`figures` and `figures_by_each` together: the totals are the sum of the breakdown's
    rows, so the whole takes one counting pass (plus the 90th percentile's)."""
    tallied, by = _breakdown(cases, period, groups)
    totals = _figures(tallied)
    if tallied["resolved"]:
        totals.p90_hours = _p90_hours(_as_slice(cases).cases, period, tallied)
    return totals, by


def _breakdown(cases, period, groups) -> tuple[dict[str, int], dict[str, dict]]:
    totals = _zero()
    found = {group: defaultdict(_zero) for group in groups}
    for row in _rows(cases, period, {group: GROUPS[group] for group in groups}):
        _add(totals, row)
        for group in groups:
            if row[group] not in (None, ""):
                _add(found[group][row[group]], row)
    by = {
        group: {key: _figures(found[group][key]) for key in sorted(found[group])}
        for group in groups
    }
    return totals, by


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
    return case_slice(
        user=user, org_unit=org_unit, company=company, domain=domain, item=item, channel=channel
    ).cases


def case_slice(
    *, user, org_unit=None, company=None, domain=None, item=None, channel: str = ""
) -> Slice:
    """The cases a user may see, narrowed by the figures' filters, with the places the
    tallies can count them by (none when the slice is by item or channel)."""
    scope = scope_for(user)
    narrow = Q()
    if org_unit is not None:
        narrow &= subtree_q("area_path", [org_unit.path])
    if company is not None:
        narrow &= Q(company_id=company.pk)
    if domain is not None:
        narrow &= Q(domain_id=domain.pk)
    cases = cases_in_scope(user=user).filter(narrow)
    if item is not None or channel:
        if item is not None:
            cases = cases.filter(item=item)
        if channel:
            cases = cases.filter(channel=channel)
        return Slice(cases)
    if scope.everything:
        return Slice(cases, place=narrow)
    if not scope.is_staff:
        return Slice(cases)
    # The cases outside the areas and companies, found from their own (short) conditions.
    place, others = scope_parts(user)
    extra = Case.objects.filter(others, narrow)
    return Slice(cases, place=place & narrow, extra=extra if extra.exists() else None)


def last_months(n: int, *, today: date | None = None) -> list[tuple[str, Period]]:
    today = today or timezone.localdate()
    months = []
    year, month = today.year, today.month
    for _ in range(n):
        months.append((f"{year}-{month:02d}", Period.month(year, month)))
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
    """Recurring problems: estate x item, ranked, each with its buildings (None: the estate's
    public areas) and the previous period's count for the trend. A row counts every case of
    the item in the estate, as the inbox filtered by that estate and item lists them."""

    def counts(p):
        rows = cases.filter(p.q("created_at")).values_list("estate_id", "item_id", "building_id")
        found = defaultdict(Counter)
        for estate_id, item_id, building_id, n in rows.annotate(n=Count("pk")).order_by():
            found[estate_id, item_id][building_id] += n
        return found

    now, before = counts(period), counts(previous)
    ranked = [
        (key, buildings.total(), sum(before[key].values()), buildings.most_common())
        for key, buildings in now.items()
        if buildings.total() >= minimum
    ]
    return sorted(ranked, key=lambda row: (-row[1], *row[0]))


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


def group_names(*, group: str, keys) -> dict:
    """The estate, company (by id) or grid (by path) each key of a `figures_by` breakdown
    stands for. The keys come from cases the user may see, so the rows need no scope of
    their own."""
    from orgs.models import Estate, OrgUnit, PropertyCompany

    if group == "grid":
        return {g.path: g for g in OrgUnit.objects.filter(path__in=keys, kind="grid")}
    model = {"estate": Estate, "company": PropertyCompany}[group]
    return {row.pk: row for row in model.objects.filter(pk__in=keys)}
