"""Writing in bulk: rows as COPY on PostgreSQL and executemany on SQLite, secondary indexes
dropped for the load and rebuilt after it, then the sequences and the planner's statistics."""

import json
from datetime import UTC

from django.db import connection

from cases.models import TrackingCounter


def write_rows(model, rows: list[dict]) -> None:
    if not rows:
        return
    # Columns the rows leave out are the database's to fill (`db_default`).
    fields = [
        f for f in model._meta.concrete_fields if f.attname in rows[0] or not f.has_db_default()
    ]
    columns = [f.column for f in fields]
    attnames = [f.attname for f in fields]
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            converters = [(n, c) for n, c in enumerate(map(_sqlite_converter, fields)) if c]
            values = []
            for row in rows:
                value = [row[a] for a in attnames]
                for n, convert in converters:
                    value[n] = convert(value[n])
                values.append(value)
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) "
                f"VALUES ({', '.join(['%s'] * len(columns))})",
                values,
            )
        else:
            json_fields = {f.attname for f in fields if f.get_internal_type() == "JSONField"}
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(
                        [
                            json.dumps(row[a], ensure_ascii=False) if a in json_fields else row[a]
                            for a in attnames
                        ]
                    )


def write_counters(counters: dict) -> None:
    """The day's last tracking number of each prefix, as intake would have left it."""
    existing = set(TrackingCounter.objects.values_list("prefix", "day"))
    TrackingCounter.objects.bulk_create(
        [
            TrackingCounter(prefix=p, day=d, last=n)
            for (p, d), n in counters.items()
            if (p, d) not in existing
        ],
        batch_size=5000,
    )
    for (p, d), n in counters.items():
        if (p, d) in existing:
            TrackingCounter.objects.filter(prefix=p, day=d).update(last=n)


def finish_tables(models) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
            return
        for model in models:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            )
            cursor.execute(f"ANALYZE {table}")


def _sqlite_converter(field):
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return _sqlite_datetime
    if kind == "JSONField":
        return lambda v: json.dumps(v, ensure_ascii=False)
    if kind == "BooleanField":
        return lambda v: None if v is None else int(v)
    return None


def _sqlite_datetime(value):
    """How Django stores an aware datetime in SQLite: naive UTC text."""
    if value is None:
        return None
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.isoformat(" ")[:-6]


def drop_indexes(models) -> list[str]:
    """Secondary indexes slow a bulk load down many times: drop them, return how to rebuild."""
    tables = [m._meta.db_table for m in models]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                f"AND tbl_name IN ({', '.join(['%s'] * len(tables))})",
                tables,
            )
        else:
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
                [tables],
            )
        found = cursor.fetchall()
        for name, _sql in found:
            cursor.execute(f'DROP INDEX "{name}"')
    return [sql for _name, sql in found]


def create_indexes(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # inside an outer transaction: check FKs first
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for sql in statements:
            cursor.execute(sql)
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
