"""The figures' tallies: what each case adds to the counts behind every figure, kept exact in
the transaction of every change to the case.

A figure (`insights.metrics`) is the sum of one or more tallies. A tally is a moment and a
condition on the case, written both as a query (for the database, and for the list of cases
behind a number) and in Python (to keep the daily tallies up to date as a case changes); a
test checks that the two forms agree on every case of a varied history. Each condition is
attributed to the moment its fact happened (a case submitted in March and rated in April counts
as received in March and rated in April).

They are part of the case, not of insights, because every write of a case must move them in
its own transaction (`cases.services.case_apply`, intake, escalation): insights only reads the
rows (`Tally`) and the definitions.
"""

import json
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from cases.models import BAND_HOURS, BANDS, TALLY_KEY, Case, Rating, Tally

# The moments facts are attributed to. "followed_up" is the community's follow-up call, or else
# the resident's own rating.
MOMENT_FIELDS = {
    "created": "created_at",
    "resolved": "resolved_at",
    "rated": "rated_at",
    "supervised": "supervised_at",
}
MOMENT_EXPRESSIONS = {
    **{name: F(field) for name, field in MOMENT_FIELDS.items()},
    "followed_up": Coalesce("followed_up_at", "rated_at"),
}


def moment_at(moment: str, case) -> datetime | None:
    if moment == "followed_up":
        return case.followed_up_at or case.rated_at
    return getattr(case, MOMENT_FIELDS[moment])


def _le(a, b) -> bool:
    """SQL's `a <= b`: false when either is missing."""
    return a is not None and b is not None and a <= b


def _responded(case) -> bool:
    if case.response_due is None:
        return case.accepted_at is not None
    due = case.response_due
    return _le(case.accepted_at, due) and (
        _le(case.first_response_at, due) or _le(case.resolved_at, due)
    )


RESPONDED = (
    Q(response_due__isnull=False, accepted_at__lte=F("response_due"))
    & (Q(first_response_at__lte=F("response_due")) | Q(resolved_at__lte=F("response_due")))
) | Q(response_due__isnull=True, accepted_at__isnull=False)


@dataclass(frozen=True)
class TallyRule:
    moment: str
    q: Q  # the condition besides the moment, for the database
    holds: Callable  # the same condition in Python


def _always(case) -> bool:
    return True


TALLIES = {
    "received": TallyRule("created", Q(), _always),
    # Signed for and first contact (or already solved) within the response clock.
    "responded": TallyRule("created", RESPONDED, _responded),
    "returned": TallyRule("created", Q(return_count__gt=0), lambda c: c.return_count > 0),
    "reopened": TallyRule("created", Q(reopen_count__gt=0), lambda c: c.reopen_count > 0),
    "escalated": TallyRule("created", Q(escalation_count__gt=0), lambda c: c.escalation_count > 0),
    "followed_up": TallyRule("followed_up", Q(), _always),
    "solved_by_call": TallyRule(
        "followed_up",
        Q(followed_up_at__isnull=False, followup_solved=True),
        lambda c: c.followed_up_at is not None and c.followup_solved is True,
    ),
    "solved_satisfied": TallyRule(
        "followed_up",
        Q(followed_up_at__isnull=True, rating=Rating.SATISFIED),
        lambda c: c.followed_up_at is None and c.rating == Rating.SATISFIED,
    ),
    "solved_basic": TallyRule(
        "followed_up",
        Q(followed_up_at__isnull=True, rating=Rating.BASIC),
        lambda c: c.followed_up_at is None and c.rating == Rating.BASIC,
    ),
    "rated": TallyRule("rated", Q(), _always),
    "rated_satisfied": TallyRule(
        "rated", Q(rating=Rating.SATISFIED), lambda c: c.rating == Rating.SATISFIED
    ),
    "rated_basic": TallyRule("rated", Q(rating=Rating.BASIC), lambda c: c.rating == Rating.BASIC),
    "resolved": TallyRule("resolved", Q(), _always),
    "on_time": TallyRule(
        "resolved",
        Q(resolved_at__lte=F("resolution_due")),
        lambda c: _le(c.resolved_at, c.resolution_due),
    ),
    "doorstep": TallyRule(
        "resolved",
        Q(kind="service_request", doorstep=True),
        lambda c: c.kind == "service_request" and c.doorstep,
    ),
    "supervised": TallyRule("supervised", Q(), _always),
}
# Besides the counts: the handling time (submission to resolution) of the resolved cases,
# summed in microseconds for the average, and counted in bands (`BAND_HOURS`) for the 90th
# percentile: the band that holds the percentile's rank is then read from the cases themselves.
HANDLING_SUM = "handling_us"
_BAND_LIMITS = [timedelta(hours=h) for h in BAND_HOURS]


def band_of(handling: timedelta) -> int:
    return bisect_right(_BAND_LIMITS, handling)


def band_q(band: int) -> Q:
    """The resolved cases of a band (annotated with `handling`): from the band's lower limit
    (inclusive) up to its upper limit (exclusive)."""
    q = Q(resolved_at__isnull=False)
    if band > 0:
        q &= Q(handling__gte=_BAND_LIMITS[band - 1])
    if band < len(_BAND_LIMITS):
        q &= Q(handling__lt=_BAND_LIMITS[band])
    return q


# The columns of a tally row.
COLUMNS = (*TALLIES, HANDLING_SUM, *BANDS)
HANDLING = ExpressionWrapper(F("resolved_at") - F("created_at"), output_field=DurationField())


# The tallies of each moment, in TALLIES order.
BY_MOMENT: dict[str, list[str]] = {}
for _name, _rule in TALLIES.items():
    BY_MOMENT.setdefault(_rule.moment, []).append(_name)


# ---------------------------------------------------------------------------------------------
# One case's tallies, for keeping the daily tallies up to date


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def tally_key(case, at: datetime) -> tuple:
    """The tally row a case counts in for a moment: (day, area_path, company, estate, domain)."""
    return (
        local_day(at),
        case.area_path or "",
        case.company_id or 0,
        case.estate_id,
        case.domain_id,
    )


def case_tallies(case) -> dict[tuple, dict[str, int]]:
    """What a case adds to the tallies now: {(day, area_path, company, estate, domain): counts}."""
    found: dict[tuple, dict[str, int]] = {}
    for moment, names in BY_MOMENT.items():
        at = moment_at(moment, case)
        if at is None:
            continue
        counts = found.setdefault(tally_key(case, at), {})
        for name in names:
            if TALLIES[name].holds(case):
                counts[name] = 1
        if moment == "resolved":
            handling = case.resolved_at - case.created_at
            counts[HANDLING_SUM] = handling // timedelta(microseconds=1)
            counts[BANDS[band_of(handling)]] = 1
    return found


# ---------------------------------------------------------------------------------------------
# Writing the rows

NAMES = (*TALLY_KEY, *COLUMNS)


def tally_changes(changes: Iterable[tuple[dict, dict]]) -> None:
    """Move the tallies from what cases added before a change to what they add after it
    (`case_tallies` of each side), for each day and its month. Call it in the transaction of
    the change: the rows are updated in place, in key order, so concurrent changes wait for
    each other instead of deadlocking."""
    rows = _rows(changes)
    if not rows:
        return
    table = Tally._meta.db_table
    upsert = f"ON CONFLICT ({', '.join(TALLY_KEY)}) DO UPDATE SET " + ", ".join(
        f"{c} = {table}.{c} + excluded.{c}" for c in COLUMNS
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement and one parameter, whatever the number of rows: the rows as JSON
            # (quoting thousands of parameters took longer than the statement itself), each
            # with its key and the counts that change (most do not).
            columns = ", ".join(f"{f.column} {SQL_TYPES[f.get_internal_type()]}" for f in FIELDS)
            values = ", ".join([*TALLY_KEY, *(f"COALESCE({c}, 0)" for c in COLUMNS)])
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(NAMES)}) SELECT {values} "
                f"FROM jsonb_to_recordset(%s::jsonb) AS v({columns}) {upsert}",
                [json.dumps([_changed(row) for row in rows], default=str)],
            )
        else:  # in-process: a short statement per row costs nothing
            values = ", ".join(["%s"] * len(NAMES))
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(NAMES)}) VALUES ({values}) {upsert}", rows
            )


def _changed(row: tuple) -> dict:
    key = len(TALLY_KEY)
    return dict(zip(TALLY_KEY, row[:key], strict=True)) | {
        name: n for name, n in zip(COLUMNS, row[key:], strict=True) if n
    }


FIELDS = [Tally._meta.get_field(name) for name in NAMES]
SQL_TYPES = {
    "CharField": "text",
    "DateField": "date",
    "IntegerField": "integer",
    "BigIntegerField": "bigint",
}


def _rows(changes: Iterable[tuple[dict, dict]]) -> list[tuple]:
    """The net change of every day and month row that changes, as values of NAMES in key order."""
    rows: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COLUMNS, 0))
    for before, after in changes:
        for sign, tallies in ((-1, before), (1, after)):
            for (day, *place), counts in tallies.items():
                for key in (("d", day, *place), ("m", day.replace(day=1), *place)):
                    row = rows[key]
                    for name, n in counts.items():
                        row[name] += sign * n
    adapt_date = connection.ops.adapt_datefield_value
    return [
        (grain, adapt_date(start), *place, *row.values())
        for (grain, start, *place), row in sorted(rows.items())
        if any(row.values())
    ]


@transaction.atomic
def tally_rebuild() -> int:
    """Recount every tally from the cases: after a bulk load, or to repair. Returns the rows."""
    tz = timezone.get_current_timezone()
    place = ("area_path", "company_id", "estate_id", "domain_id")
    days: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COLUMNS, 0))
    for moment, names in BY_MOMENT.items():
        aggregates = {name: Count("pk", filter=TALLIES[name].q) for name in names}
        if moment == "resolved":
            aggregates[HANDLING_SUM] = Sum(HANDLING)
            aggregates.update({b: Count("pk", filter=band_q(i)) for i, b in enumerate(BANDS)})
            names = [*names, *BANDS]
        rows = (
            Case.objects.annotate(handling=HANDLING)
            .annotate(day=TruncDate(MOMENT_EXPRESSIONS[moment], tzinfo=tz))
            .filter(day__isnull=False)
            .values("day", *place)
            .annotate(**aggregates)
            .order_by()
        )
        for row in rows:
            key = (
                row["day"],
                row["area_path"] or "",
                row["company_id"] or 0,
                row["estate_id"],
                row["domain_id"],
            )
            counts = days[key]
            for name in names:
                counts[name] += row[name]
            if moment == "resolved":
                counts[HANDLING_SUM] += row[HANDLING_SUM] // timedelta(microseconds=1)
    Tally.objects.all().delete()
    rows = _rows([({}, days)])
    table, names = Tally._meta.db_table, ", ".join(NAMES)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(NAMES))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", rows)
    return len(rows)
