"""Deadlines that earlier versions counted in UTC office hours (8 hours late, on UTC dates) are
recomputed from each open case's timeline, with an internal note on each changed case.

The command writes through the case's own write path (its version and the tallies move), so it
uses today's models: it runs only where open cases exist (an installation upgraded now). It
runs before the working-time policies of `catalog.0003`, so that each case keeps the clocks of
the policy it was filed under.
"""

from django.core.management import call_command
from django.db import migrations

OPEN_STATUSES = ["submitted", "accepted", "in_progress", "returned", "reopened"]


def recompute(apps, schema_editor):
    if apps.get_model("cases", "Case").objects.filter(status__in=OPEN_STATUSES).exists():
        call_command("case_clocks_recompute")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0013_unread_notifications_index"),
        ("catalog", "0002_seed_domains_lists_sla_calendar"),
        ("insights", "0002_tallies"),
    ]
    run_before = [("catalog", "0003_working_time_clocks")]
    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
