"""Enter the holiday schedules that the installed chinesecalendar knows and the database lacks."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from catalog.services import calendar_sync_from_package


class Command(BaseCommand):
    help = "Enter official holiday schedules known to chinesecalendar (e.g. after upgrading it)."

    def handle(self, *args, **options):
        year = timezone.localdate().year
        entered = calendar_sync_from_package(first_year=year - 1, last_year=year + 2)
        self.stdout.write(f"Entered: {', '.join(map(str, entered)) or 'nothing new'}")
