"""Put right the deadlines and escalation times of open cases, replayed from their timelines.

Versions before this one counted working time in UTC office hours and on UTC dates (8 hours
late). Migration `cases.0014` runs this once. The replay uses each case's SLA policy as it
stands: after an administrator changes a policy, running this moves open cases to the new
clocks too; otherwise running it again changes nothing.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone, translation

from cases.clocks import open_cases_recompute


class Command(BaseCommand):
    help = "Recompute the clocks of open cases from their timelines (a note on each changed case)."

    def handle(self, *args, **options):
        # The notes are in the site's language, also when `migrate` (which turns translation
        # off) runs this.
        with translation.override(settings.LANGUAGE_CODE):
            changed = open_cases_recompute(now=timezone.now())
        self.stdout.write(f"recomputed={changed}")
