"""The one worker: every sweep of `cases.hooks.SWEEPS` (clocks and escalation, auto-close,
provisional deadlines, notices, the outbox, retraining, retention), stage by stage.

manage.py worker            # loop forever (run one or several, on any machines)
manage.py worker --once     # one sweep, e.g. from cron

A sweep that fails is logged and counted (`failed_sweeps=`); the loop goes on.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

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
            # A connection the database dropped (a restart, a fail-over) is replaced rather
            # than failing every sweep from now on.
            close_old_connections()
