"""Recount the figures' tallies from the cases (after a bulk load, or to repair them)."""

from django.core.management.base import BaseCommand

from cases.tallies import tally_rebuild


class Command(BaseCommand):
    help = "Recount the dashboards' daily and monthly tallies from the cases."

    def handle(self, *args, **options):
        self.stdout.write(f"Tally rows: {tally_rebuild()}")
