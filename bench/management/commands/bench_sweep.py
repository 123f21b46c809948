"""One escalation sweep at a given moment, then sweeps with nothing due; prints JSON."""

import json
import statistics
import time
from datetime import datetime

from django.core.management.base import BaseCommand
from django.db import connection

from bench.measure import peak_rss_mb
from cases import worker


class Command(BaseCommand):
    help = "Benchmark helper: time the worker's escalation sweep in a process of its own."

    def add_arguments(self, parser):
        parser.add_argument("--now", required=True, help="ISO time the sweep runs at")
        parser.add_argument("--empty-runs", type=int, default=20)
        parser.add_argument(
            "--start-at", type=float, help="epoch seconds to start at (to start sweeps together)"
        )

    def handle(self, *args, **options):
        now = datetime.fromisoformat(options["now"])
        connection.ensure_connection()  # before the start, so connecting is not timed
        if options["start_at"]:
            time.sleep(max(0.0, options["start_at"] - time.time()))
        started_at = time.time()
        started = time.perf_counter()
        escalated = worker.escalate_due(now=now)
        seconds = time.perf_counter() - started
        # Who hears of each escalation: the same worker's next sweep of the round.
        started = time.perf_counter()
        fanned_out = worker.fan_out_due(now=now)
        fan_out_seconds = time.perf_counter() - started
        result = {
            "escalated": escalated,
            "escalation_seconds": round(seconds, 2),
            "fanned_out": fanned_out,
            "fan_out_seconds": round(fan_out_seconds, 2),
            "started_at": started_at,
            "ended_at": started_at + seconds + fan_out_seconds,
        }
        empty = []
        for _ in range(options["empty_runs"]):
            started = time.perf_counter()
            again = worker.escalate_due(now=now)
            empty.append((time.perf_counter() - started) * 1000)
            assert again == 0
        if empty:
            result["empty_sweep_ms"] = {
                "median": round(statistics.median(empty), 2),
                "min": round(min(empty), 2),
                "max": round(max(empty), 2),
            }
        result["worker_peak_rss_mb"] = peak_rss_mb()
        self.stdout.write(json.dumps(result))
