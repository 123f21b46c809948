"""The benchmark on the configured database: generate city-scale data, measure, print JSON."""

import json
import os
import platform
import time
from datetime import datetime
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone

from bench import first_load, measure, orders, triage, webhooks
from bench.generate import Generator, prepare
from cases.models import OPEN_STATUSES, Case


class Command(BaseCommand):
    help = (
        "Benchmark: a million cases, then intake, inbox, dashboard and worker figures, triage, "
        "a hotline file imported, orders pushed by a connected system and webhook delivery."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=1_000_000)
        parser.add_argument("--open", type=int, default=100_000, help="open cases among them")
        parser.add_argument("--overdue", type=int, default=10_000, help="overdue among the open")
        parser.add_argument("--repeat", type=int, default=40, help="samples per page figure")
        parser.add_argument("--runs", type=int, default=3, help="intake runs per client count")
        parser.add_argument("--requests", type=int, default=1500, help="intake requests per run")
        parser.add_argument("--seconds", type=float, default=20, help="time limit per run")
        parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
        parser.add_argument("--import-rows", type=int, default=10_000, help="hotline file rows")
        parser.add_argument("--orders", type=int, default=10_000, help="orders pushed (API)")
        parser.add_argument(
            "--webhook-events", type=int, default=10_000, help="webhook deliveries to measure"
        )
        parser.add_argument("--out", help="also write the JSON report here")
        parser.add_argument(
            "--existing",
            action="store_true",
            help="measure the data already loaded (a previous run's): no generation",
        )

    def handle(self, *args, **o):
        report = {
            "database": connection.vendor,
            "machine": _machine(),
            "at": timezone.now().isoformat(timespec="seconds"),
        }
        if o["existing"]:
            now = Case.objects.order_by("-created_at").values_list("created_at", flat=True)[0]
            report["generate"] = {"existing": True}
        else:
            now = self._generate(report, o)
        report["generate"].update(
            total_cases=Case.objects.count(),
            open_cases=Case.objects.filter(status__in=OPEN_STATUSES).count(),
            overdue_cases=Case.objects.filter(
                status__in=OPEN_STATUSES, next_escalation_at__lte=now
            ).count(),
        )

        report["inbox"] = _inbox_timings(o["repeat"])
        self._log("inbox measured")
        report["dashboard"] = _dashboard_timings(o["repeat"])
        self._log("dashboard measured")
        report["worker"] = measure.sweep_in_child(now_iso=now.isoformat(), empty_runs=20)
        self._log(f"worker measured: {report['worker']}")
        report["workers_side_by_side"] = self._parallel_sweep(now, o["overdue"])
        self._log(f"workers side by side measured: {report['workers_side_by_side']}")
        report["intake"] = measure.intake(
            workers=o["workers"],
            client_counts=(8, 32),
            runs=o["runs"],
            requests=o["requests"],
            seconds=o["seconds"],
        )
        self._log(
            f"intake measured: {report['intake'].get('clients_8', {}).get('cases_per_second')}"
        )
        report["triage"] = triage.triage_speed()
        self._log(f"triage measured: {report['triage']}")
        report["hotline_file_import"] = orders.file_import(rows=o["import_rows"])
        self._log(f"hotline file imported: {report['hotline_file_import']}")
        report["orders_push"] = orders.push(
            workers=o["workers"], clients=8, orders=o["orders"], intake=report["intake"]
        )
        self._log(f"orders pushed: {report['orders_push']}")
        report["webhooks"] = webhooks.webhook_delivery(events=o["webhook_events"])
        self._log(f"webhook delivery measured: {report['webhooks']}")
        report["first_load"] = first_load.first_load()
        self._log(f"first load on a slow phone measured: {report['first_load']}")
        report["bench_peak_rss_mb"] = measure.peak_rss_mb()
        text = json.dumps(report, ensure_ascii=False, indent=2)
        if o["out"]:
            Path(o["out"]).parent.mkdir(parents=True, exist_ok=True)
            Path(o["out"]).write_text(text + "\n")
        self.stdout.write(text)

    def _parallel_sweep(self, now, count: int) -> dict:
        """A worker process per core, sweeping the next `count` open cases to fall due (and
        any that fall due with them): the escalation sweep's time when workers run side by
        side."""
        clocks = Case.objects.filter(next_escalation_at__gt=now).order_by("next_escalation_at")
        later = next(
            iter(clocks.values_list("next_escalation_at", flat=True)[count - 1 : count]), None
        )
        if later is None:
            return {"skipped": "fewer open cases with a clock than that"}
        processes = os.cpu_count() or 1
        results = measure.sweeps_in_children(now_iso=later.isoformat(), processes=processes)
        return {
            "processes": processes,
            "escalated": sum(r["escalated"] for r in results),
            "escalation_and_fan_out_seconds": round(
                max(r["ended_at"] for r in results) - min(r["started_at"] for r in results), 2
            ),
            "worker_peak_rss_mb": [r["worker_peak_rss_mb"] for r in results],
        }

    def _generate(self, report: dict, o: dict):
        started = time.perf_counter()
        prepare()
        report["prepare_seconds"] = round(time.perf_counter() - started, 1)
        self._log(f"org tree, residents and catalogue ready in {report['prepare_seconds']}s")
        now = timezone.now().replace(microsecond=0)
        started = time.perf_counter()
        generator = Generator(count=o["cases"], open_cases=o["open"], overdue=o["overdue"], now=now)
        created = generator.run()
        seconds = time.perf_counter() - started
        report["generate"] = {
            **created,
            "seconds": round(seconds, 1),
            "cases_per_second": round(created["cases"] / seconds),
        }
        self._log(f"generated {created} in {seconds:.0f}s")
        return now

    def _log(self, message: str) -> None:
        self.stderr.write(f"[bench {datetime.now():%H:%M:%S}] {message}")


def _inbox_timings(repeat: int) -> dict:
    """The inbox of each side, its first page and a filtered one."""
    return {
        who: {
            "first_page": measure.page_timings(username=user, url="/cases/inbox/", repeat=repeat),
            "filtered": measure.page_timings(
                username=user, url="/cases/inbox/?tab=active&status=in_progress", repeat=repeat
            ),
        }
        for who, user in [
            ("grid_worker", "wanggeyuan"),
            ("community", "shequ"),
            ("property_company", "wuye_kefu"),
        ]
    }


def _dashboard_timings(repeat: int) -> dict:
    """The subdistrict's dashboard over 30 days and 12 months, and its rankings."""
    return {
        "subdistrict_30d": measure.page_timings(
            username="jiedao", url="/insights/?period=30d", repeat=max(5, repeat // 4)
        ),
        "subdistrict_12m": measure.page_timings(
            username="jiedao", url="/insights/?period=12m", repeat=max(5, repeat // 4)
        ),
        "rankings_12m": measure.page_timings(
            username="jiedao", url="/insights/rankings/?period=12m", repeat=max(5, repeat // 4)
        ),
    }


def _machine() -> dict:
    import os

    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024),
        "python": platform.python_version(),
        "os": platform.platform(terse=True),
    }
