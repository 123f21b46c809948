"""Writes for insights: the figures' tallies, and monthly topics (每月一题) with their progress."""

import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from core.errors import Forbidden
from insights.metrics import (
    BANDS,
    BY_MOMENT,
    COLUMNS,
    HANDLING,
    HANDLING_SUM,
    MOMENT_EXPRESSIONS,
    TALLIES,
    band_q,
)
from insights.models import TALLY_KEY, MonthlyTopic, Tally, TopicNote
from orgs.roles import Permission
from orgs.selectors import scope_for


@transaction.atomic
def topic_create(*, actor, estate, building, item, title: str, target_date, owner) -> MonthlyTopic:
    if not scope_for(actor).has(Permission.ROUTE_CASES):
        raise Forbidden()
    now = timezone.now()
    topic = MonthlyTopic(
        title=title,
        month=timezone.localdate(now).replace(day=1),
        estate=estate,
        building=building,
        item=item,
        owner=owner,
        target_date=target_date,
        created_by=actor,
        created_at=now,
    )
    topic.full_clean()
    topic.save()
    return topic


@transaction.atomic
def topic_add_note(*, topic: MonthlyTopic, actor, text: str, done: bool = False) -> TopicNote:
    if actor.pk not in (topic.owner_id, topic.created_by_id) and not scope_for(actor).has(
        Permission.ROUTE_CASES
    ):
        raise Forbidden()
    note = TopicNote.objects.create(topic=topic, author=actor, text=text, at=timezone.now())
    if done and topic.state != MonthlyTopic.State.DONE:
        MonthlyTopic.objects.filter(pk=topic.pk).update(state=MonthlyTopic.State.DONE)
    return note


# ---------------------------------------------------------------------------------------------
# Tallies


def tally_changes(changes: Iterable[tuple[dict, dict]]) -> None:
    """Move the tallies from what cases added before a change to what they add after it
    (`insights.metrics.case_tallies` of each side), for each day and its month. Call it in the
    transaction of the change: the rows are updated in place, in key order, so concurrent
    changes wait for each other instead of deadlocking."""
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


NAMES = (*TALLY_KEY, *COLUMNS)


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
    from cases.models import Case

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
