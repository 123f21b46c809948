"""The change feed reads events in commit order: each event carries the id of the transaction
that wrote it (PostgreSQL's own, as the column's default; 0 elsewhere and for older events)."""

from django.db import migrations, models

TABLE = "cases_caseevent"


def transaction_id_default(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE {TABLE} ALTER COLUMN txid SET DEFAULT pg_current_xact_id()::text::bigint"
        )


def zero_default(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN txid SET DEFAULT 0")


class Migration(migrations.Migration):
    dependencies = [("cases", "0025_ratings_so_far_are_residents")]

    operations = [
        migrations.AddField(
            model_name="caseevent",
            name="txid",
            field=models.BigIntegerField(db_default=0, editable=False),
        ),
        migrations.AddIndex(
            model_name="caseevent",
            index=models.Index(fields=["txid", "id"], name="event_commit_order"),
        ),
        migrations.RunPython(transaction_id_default, zero_default, elidable=False),
    ]
