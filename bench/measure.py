"""Measurements of the benchmark: each returns plain numbers for the JSON report."""

import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.conf import settings
from django.test import Client

from api.services import token_create
from catalog.models import Item
from orgs.models import Building, User

ROOT = Path(settings.BASE_DIR)


def summary(samples_ms: list[float]) -> dict:
    """p50 / p95 / p99 / max of latencies in milliseconds."""
    ordered = sorted(samples_ms)

    def pick(q):
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)

    return {
        "n": len(ordered),
        "p50": pick(0.5),
        "p95": pick(0.95),
        "p99": pick(0.99),
        "max": pick(1),
    }


def median_of(runs: list[dict], key: str) -> dict:
    values = [r[key] for r in runs]
    return {"median": round(statistics.median(values), 2), "min": min(values), "max": max(values)}


# -- pages, in process ---------------------------------------------------------------------


def page_timings(*, username: str, url: str, repeat: int, warmup: int = 3) -> dict:
    """Server time of one page for one user, with the full middleware and templates."""
    client = Client(SERVER_NAME="localhost")
    client.force_login(User.objects.get(username=username))
    for _ in range(warmup):
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} as {username}: HTTP {response.status_code}")
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
    return summary(samples)


# -- the worker, in a process of its own ------------------------------------------------------


def sweep_in_child(*, now_iso: str, empty_runs: int) -> dict:
    """Run the escalation sweep (and then sweeps with nothing due) in a fresh process, so its
    time and peak memory are the worker's own."""
    (result,) = sweeps_in_children(now_iso=now_iso, processes=1, empty_runs=empty_runs)
    return {k: v for k, v in result.items() if k not in ("started_at", "ended_at")}


def sweeps_in_children(*, now_iso: str, processes: int, empty_runs: int = 0) -> list[dict]:
    """The same sweep in several worker processes started together (they claim batches with
    SKIP LOCKED, as workers on several machines would)."""
    start_at = time.time() + 5  # past every child's start-up
    children = [
        subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "bench_sweep",
                "--now",
                now_iso,
                "--empty-runs",
                str(empty_runs if n == 0 else 0),
                "--start-at",
                str(start_at),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(processes)
    ]
    results = []
    for child in children:
        out, _err = child.communicate()
        if child.returncode:
            raise RuntimeError(f"bench_sweep failed ({child.returncode})")
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def peak_rss_mb(pid: int | str = "self") -> float:
    """A process's own high-water mark (`VmHWM`): `ru_maxrss` of a child started from the
    bench carries the bench's own peak across fork and exec."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError(f"no VmHWM for process {pid}")


# -- intake over real HTTP ---------------------------------------------------------------------


class Server:
    """gunicorn serving this project on a loopback port."""

    def __init__(self, *, workers: int):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        env = {
            **os.environ,
            "API_WRITES_PER_MINUTE": "100000000",
            "CONNECT_ORDERS_PER_MINUTE": "100000000",
        }
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--no-control-socket",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/api/v1/ping")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def worker_peak_rss_mb(self) -> list[float]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [peak_rss_mb(pid) for pid in children.read_text().split()]

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def load(*, port, clients, requests, seconds, method, path, body=None, headers=None) -> dict:
    """`clients` threads with keep-alive connections send up to `requests` in total, for at
    most `seconds`. Returns throughput and latency."""
    latencies, errors, lock = [], [], threading.Lock()
    remaining = [requests]
    stop_at = time.monotonic() + seconds

    def client(n):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < stop_at:
            with lock:
                if remaining[0] <= 0:
                    return
                remaining[0] -= 1
                sequence = remaining[0]
            payload = body(n, sequence) if callable(body) else body
            started = time.perf_counter()
            try:
                conn.request(method, path, body=payload, headers=headers or {})
                response = conn.getresponse()
                response.read()
                ok = response.status in (200, 201)
            except OSError as exc:
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                response = exc
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                (latencies if ok else errors).append(
                    elapsed if ok else getattr(response, "status", str(response))
                )

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    result = {"per_second": round(len(latencies) / wall, 1), "errors": len(errors)}
    if latencies:
        result.update({k: v for k, v in summary(latencies).items() if k in ("n", "p50", "p99")})
    if errors:
        result["first_error"] = str(errors[0])
    return result


def intake(*, workers: int, client_counts, runs: int, requests: int, seconds: float) -> dict:
    """Cases created through POST /api/v1/cases by a community staff member's token (phone
    intake for residents of the community), against the same server's no-op endpoint."""
    user = User.objects.get(username="shequ")
    _token, key = token_create(user=user, name="bench")
    item = Item.objects.filter(kind=Item.Kind.APPEAL, is_active=True).order_by("id").first()
    buildings = list(
        Building.objects.filter(estate__community__in=user.memberships.values("org_unit"))
        .order_by("id")
        .values_list("id", flat=True)
    )
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

    def body(n, sequence):
        return json.dumps(
            {
                "item": item.code,
                "description": "楼道灯不亮了，晚上看不清台阶",
                "building_id": buildings[sequence % len(buildings)],
                "channel": "phone",
                "contact_name": "基准",
                "contact_mobile": "13900000000",
            }
        )

    server = Server(workers=workers)
    try:
        report = {"workers": workers}
        for clients in client_counts:
            report[f"clients_{clients}"] = _intake_runs(
                server,
                clients,
                runs=runs,
                requests=requests,
                seconds=seconds,
                body=body,
                headers=headers,
            )
        report["server_worker_peak_rss_mb"] = server.worker_peak_rss_mb()
        return report
    finally:
        server.stop()


def _intake_runs(server, clients: int, *, runs, requests, seconds, body, headers) -> dict:
    """`runs` runs of intake by `clients` clients, each followed by one of the no-op endpoint
    (the ceiling of the server)."""
    cases, noop = [], []
    for _ in range(runs):
        cases.append(
            load(
                port=server.port,
                clients=clients,
                requests=requests,
                seconds=seconds,
                method="POST",
                path="/api/v1/cases",
                body=body,
                headers=headers,
            )
        )
        noop.append(
            load(
                port=server.port,
                clients=clients,
                requests=requests * 3,
                seconds=seconds,
                method="GET",
                path="/api/v1/ping",
            )
        )
    best = statistics.median(r["per_second"] for r in cases)
    ceiling = statistics.median(r["per_second"] for r in noop)
    return {
        "cases_per_second": median_of(cases, "per_second"),
        "p50_ms": median_of(cases, "p50"),
        "p99_ms": median_of(cases, "p99"),
        "errors": sum(r["errors"] for r in cases),
        "noop_per_second": median_of(noop, "per_second"),
        "share_of_noop": round(best / ceiling, 3) if ceiling else None,
        "runs": cases,
    }
