"""The one worker: clocks and escalation, auto-close, provisional deadlines, the outbox.

manage.py worker            # loop forever (run one or several, on any machines)
manage.py worker --once     # one sweep, e.g. from cron
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand

from cases.worker import run_once


class Command(BaseCommand):
    help = "Run the background sweeps (escalation, auto-close, notifications)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run one sweep and exit")
        parser.add_argument("--interval", type=int, default=settings.WORKER_INTERVAL_SECONDS)

    def handle(self, *args, once=False, interval=30, **options):
        while True:
            counts = run_once()
            if once or any(counts.values()):
                self.stdout.write(" ".join(f"{k}={v}" for k, v in counts.items()))
            if once:
                return
            time.sleep(max(1, interval))
