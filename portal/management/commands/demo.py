"""Load the demo community (deterministic, idempotent) and print the demo log-ins."""

import time
import unicodedata

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from alliance.demo import seed_alliance
from care.demo import seed_care
from cases.demo import seed_cases
from catalog.services import catalogue_load_seed
from engagement.demo import seed_engagement
from orgs.demo import DEMO_PASSWORD, seed_structure
from residents.demo import DEMO_RESIDENT_MOBILE, DEMO_RESIDENT_NAME, seed_residents
from triage.demo import seed_triage


class Command(BaseCommand):
    help = "Load the demo community: org tree, estates, households, residents and staff."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=3500, help="history of cases to create")

    def handle(self, *args, **options):
        started = time.monotonic()
        structure = seed_structure()
        residents = seed_residents()
        items = catalogue_load_seed()
        cases = seed_cases(count=options["cases"])
        engagement = seed_engagement()
        partners = seed_alliance()
        in_care = seed_care()
        triage = seed_triage()
        self.stdout.write(
            f"Demo community ready in {time.monotonic() - started:.1f}s "
            f"(new households: {structure['households']}, new residents: {residents}, "
            f"catalogue items: {items}, new cases: {cases}, engagement records: {engagement}, "
            f"alliance partners: {partners}, people in care: {in_care}, "
            f"triage suggestions: {triage})."
        )
        self.stdout.write("")
        self.stdout.write(
            _("Demo log-ins (staff password: %(password)s)") % {"password": DEMO_PASSWORD}
        )
        for username, full_name, role in structure["staff"]:
            self.stdout.write(f"  {_pad(role, 22)} {username:<14} {full_name}")
        self.stdout.write(
            f"  {_pad(_('Resident'), 22)} {DEMO_RESIDENT_MOBILE:<14} {DEMO_RESIDENT_NAME} "
            + _("(sign in with the one-time code printed in the server log)")
        )


def _pad(text: str, width: int) -> str:
    """Pad to a display width, counting wide (Chinese) characters as two columns."""
    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - used)
