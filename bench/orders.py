"""Orders coming in, measured: a 12345 portal file imported (rows a second) and orders pushed
through `POST /api/v1/connect/orders` by a hotline's clients (orders a second, p99)."""

import io
import json
import random
import secrets
import time
from datetime import timedelta

from django.utils import timezone
from openpyxl import Workbook

from bench.measure import Server, load
from cases.worker import deliver_outbox, fan_out_due
from catalog.models import Item
from connect import imports, services
from connect.models import CategoryCode, ConnectedSystem
from orgs.models import OrgUnit, User

# The portal's categories, mapped in the crosswalk (as an administrator would).
CATEGORIES = {
    "城乡建设/物业管理/楼道照明": "RB19",
    "城乡建设/物业管理/环境卫生": "RB01",
    "城乡建设/物业管理/楼道堆物": "RB06",
    "城市管理/消防通道": "RB05",
    "城乡建设/供水/停水": "RB18",
    "城乡建设/电梯/故障": "RB17",
    "社会治安/噪音扰民": "RB11",
    "城乡建设/停车管理": "RB24",
}
TEXTS = [
    "楼道灯坏了一个月了，晚上老人上下楼很危险",
    "楼道里堆满了杂物，影响通行",
    "消防通道被私家车堵住了",
    "电梯又坏了，停在三楼不动",
    "楼上装修噪音太大，中午也不停",
    "小区门口乱停车，出不去",
]


def _hotline() -> ConnectedSystem:
    """The hotline of the community whose staff the intake figure uses (方城路社区), with its
    crosswalk; its key in `.key`."""
    community = OrgUnit.objects.get(memberships__user__username="shequ")
    system, key = services.system_create(
        name=f"12345 基准 {secrets.token_hex(3)}", kind="hotline", community=community
    )
    items = Item.objects.in_bulk(list(CATEGORIES.values()), field_name="code")
    CategoryCode.objects.bulk_create(
        CategoryCode(system=system, code=label, label=label, item=items[code])
        for label, code in CATEGORIES.items()
    )
    system.key = key
    return system


def _addresses(system: ConnectedSystem, rng: random.Random, count: int, *, placed: float):
    """Addresses as callers give them: whole ones in the hotline's words, and (1 - placed)
    without the estate's name, which two estates fit (they wait for a place)."""
    spots = []
    for estate in system.community.estates.prefetch_related("buildings__units__households"):
        for building in estate.buildings.all():
            for unit in building.units.all():
                for household in unit.households.all():
                    spots.append((estate.name, building.name, unit.name, household.number))
    found = []
    for _n in range(count):
        estate, building, unit, door = rng.choice(spots)
        if rng.random() >= placed:
            found.append(f"{building.removesuffix('号楼')}栋{unit}{door}室")
        elif rng.random() < 0.3:
            found.append(
                f"{estate.removesuffix('小区')}{building}{unit.removesuffix('单元')}-{door}"
            )
        else:
            found.append(f"{estate}{building}{unit}{door}")
    return found


def file_import(*, rows: int = 10_000, seed: int = 20261203) -> dict:
    """A portal export of `rows` orders (xlsx), checked (the preview) and imported in one
    transaction by community staff, in process."""
    rng = random.Random(seed)
    system = _hotline()
    staff = User.objects.get(username="shequ")
    now = timezone.now().replace(microsecond=0)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(list(imports.COLUMNS))
    for n, address in enumerate(_addresses(system, rng, rows, placed=0.9)):
        called = now - timedelta(minutes=rng.randrange(60, 600))
        sheet.append(
            [
                f"BQ{seed}{n:06d}",
                f"{timezone.localtime(called):%Y-%m-%d %H:%M}",
                "市民",
                f"139{rng.randrange(10**8):08d}",
                address,
                rng.choice(TEXTS),
                rng.choice(["投诉", "求助", "建议"]),
                rng.choice(list(CATEGORIES)),
                "一般",
                f"{timezone.localtime(now + timedelta(hours=2)):%Y-%m-%d %H:%M}",
                f"{timezone.localtime(now + timedelta(days=3)):%Y-%m-%d %H:%M}",
            ]
        )
    out = io.BytesIO()
    workbook.save(out)
    data = out.getvalue()

    fan_out_due(now=timezone.now())  # what earlier figures left: not this file's
    deliver_outbox(now=timezone.now())
    started = time.perf_counter()
    preview = imports.order_file_preview(system=system, name="bench.xlsx", data=data)
    preview_seconds = time.perf_counter() - started
    batch = imports.order_import_upload(system=system, actor=staff, name="bench.xlsx", data=data)
    started = time.perf_counter()
    imports.order_import_confirm(batch=batch, actor=staff)
    seconds = time.perf_counter() - started
    # The worker then tells everyone concerned and records triage's suggestions.
    started = time.perf_counter()
    fanned_out = fan_out_due(now=timezone.now())
    delivered = deliver_outbox(now=timezone.now())
    worker_seconds = time.perf_counter() - started
    return {
        "rows": rows,
        "file_mb": round(len(data) / 1024 / 1024, 2),
        "outcomes": preview.counts,
        "preview_seconds": round(preview_seconds, 2),
        "import_seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds, 1),
        "target": "10,000 rows in under 60 s",
        "worker_events": fanned_out,
        "worker_messages": delivered,
        "worker_seconds": round(worker_seconds, 2),
    }


def push(*, workers: int, clients: int = 8, orders: int = 10_000, intake: dict | None = None):
    """`orders` distinct orders pushed by `clients` keep-alive clients of the hotline, against
    the same gunicorn as the intake figure; compared with that intake at the same clients."""
    rng = random.Random(7)
    system = _hotline()
    addresses = _addresses(system, rng, 2000, placed=1.0)  # all placed: each files a case
    now = timezone.now()
    times = {
        "sign_by": (now + timedelta(hours=2)).isoformat(),
        "answer_by": (now + timedelta(days=3)).isoformat(),
    }
    run = secrets.token_hex(3)

    def body(_client, sequence):
        return json.dumps(
            {
                "number": f"P{run}-{sequence}",
                "content": TEXTS[sequence % len(TEXTS)],
                "address": addresses[sequence % len(addresses)],
                "category_code": list(CATEGORIES)[sequence % len(CATEGORIES)],
                "caller_phone": "13900000000",
                "order_type": "投诉",
                **times,
            }
        )

    server = Server(workers=workers)
    try:
        result = load(
            port=server.port,
            clients=clients,
            requests=orders,
            seconds=orders,  # no time limit short of one second an order
            method="POST",
            path="/api/v1/connect/orders",
            body=body,
            headers={"Authorization": f"Bearer {system.key}", "Content-Type": "application/json"},
        )
    finally:
        server.stop()
    report = {"clients": clients, "workers": workers, **result}
    ours = (intake or {}).get(f"clients_{clients}", {}).get("cases_per_second", {}).get("median")
    if ours:
        report["intake_cases_per_second"] = ours
        report["share_of_intake"] = round(result["per_second"] / ours, 2)
    report["target"] = "at least our own intake's cases a second"
    return report
