"""Load the demo community (deterministic, idempotent) and print the demo log-ins."""

import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from orgs.demo import DEMO_PASSWORD, seed_structure
from residents.demo import DEMO_RESIDENT_MOBILE, DEMO_RESIDENT_NAME, seed_residents


class Command(BaseCommand):
    help = "Load the demo community: org tree, estates, households, residents and staff."

    def handle(self, *args, **options):
        started = time.monotonic()
        structure = seed_structure()
        residents = seed_residents()
        self.stdout.write(
            f"Demo community ready in {time.monotonic() - started:.1f}s "
            f"(new households: {structure['households']}, new residents: {residents})."
        )
        self.stdout.write("")
        self.stdout.write(
            _("Demo log-ins (staff password: %(password)s)") % {"password": DEMO_PASSWORD}
        )
        for username, full_name, role in structure["staff"]:
            self.stdout.write(f"  {role:<24} {username:<14} {full_name}")
        self.stdout.write(
            f"  {_('Resident'):<24} {DEMO_RESIDENT_MOBILE:<14} {DEMO_RESIDENT_NAME} "
            "(sign in with the one-time code printed in the server log)"
        )
