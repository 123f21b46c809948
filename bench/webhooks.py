"""Webhook delivery to a loopback receiver: events/s through the worker's delivery sweep."""

import json
import subprocess
import sys
import time
import urllib.request

from django.db import transaction
from django.utils import timezone

from bench.measure import ROOT
from cases.models import CaseEvent, OutboxMessage
from cases.worker import deliver_outbox
from connect.models import WebhookEvent, WebhookSubscription
from connect.webhooks import EVENTS, webhooks_write
from orgs.models import OrgUnit

WRITE_BATCH = 500


def webhook_delivery(*, events: int) -> dict:
    """Write `events` webhook messages for existing case events (every case's events in
    order, through the hook that writes them in production), then deliver them with the
    worker's delivery sweep, signed, to a receiver in its own process that checks each
    signature; events/s of the delivery, and whether each case's events arrived in order."""
    top = OrgUnit.objects.filter(parent__isnull=True).order_by("pk").first()
    webhook = WebhookSubscription.objects.create(
        name="bench", org_unit=top, url="http://127.0.0.1:1/", events=WebhookEvent.values
    )
    receiver = subprocess.Popen(
        [sys.executable, "-m", "bench.receiver", webhook.secret_id, webhook.signing_secret],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        port = int(receiver.stdout.readline())
        webhook.url = f"http://127.0.0.1:{port}/hook"
        webhook.save(update_fields=["url"])
        # Only these messages are due: what earlier measurements queued is left out.
        OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING).update(
            state=OutboxMessage.State.SENT
        )
        written, write_seconds = _write(events)
        started = time.perf_counter()
        delivered = 0
        while OutboxMessage.objects.filter(channel="connect", state="pending").exists():
            delivered += deliver_outbox(now=timezone.now())
        seconds = time.perf_counter() - started
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/seen", timeout=10) as answer:
            seen = json.loads(answer.read())
    finally:
        receiver.terminate()
        receiver.wait(timeout=10)
        webhook.delete()
    return {
        "events": written,
        "cases": len(seen["seen"]),
        "write_seconds": round(write_seconds, 2),
        "delivery_seconds": round(seconds, 2),
        "events_per_second": round(delivered / seconds, 1) if seconds else None,
        "bad_signatures": seen["bad_signatures"],
        "each_case_in_order": all(ids == sorted(ids) for ids in seen["seen"].values()),
        "all_delivered": delivered == written == sum(map(len, seen["seen"].values())),
    }


def _write(events: int) -> tuple[int, float]:
    chosen = (
        CaseEvent.objects.filter(action__in=list(EVENTS))
        .select_related("case__item")
        .order_by("case_id", "pk")[:events]
    )
    pairs = [(event.case, event) for event in chosen]
    started = time.perf_counter()
    written = 0
    for n in range(0, len(pairs), WRITE_BATCH):
        with transaction.atomic():
            written += webhooks_write(pairs=pairs[n : n + WRITE_BATCH])
    return written, time.perf_counter() - started
