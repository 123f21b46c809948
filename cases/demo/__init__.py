"""A year of demo cases for the demo community, written through the case services.

`seed_cases` simulates twelve months of the back office: residents report problems (by season,
item and estate), the right staff accept, call back, dispatch, reply and resolve, residents
rate, the community follows up, the worker escalates what misses a clock and closes what nobody
rated. Every step is a service call with `now=` at its historical moment, in time order, so
every timeline is real. Deterministic (fixed seed) and idempotent (nothing if cases exist).
"""

import random
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cases.demo.simulation import _Simulation
from cases.demo.world import _World
from cases.models import Case, Notification, OutboxMessage
from cases.worker import fan_out_due


def _tidy(today: datetime) -> None:
    """History has been delivered and read: no backlog of old messages on the first run."""
    OutboxMessage.objects.filter(
        state=OutboxMessage.State.PENDING, created_at__lt=today - timedelta(days=1)
    ).update(state=OutboxMessage.State.SENT, sent_at=F("created_at"), attempts=1)
    Notification.objects.filter(
        read_at__isnull=True, created_at__lt=today - timedelta(days=7)
    ).update(read_at=F("created_at"))


def seed_cases(*, seed: int = 20261126, count: int = 3500, today: datetime | None = None) -> int:
    """Create about `count` cases over the twelve months before `today`; return how many.

    Needs the demo community (`seed_structure`, `seed_residents`, `catalogue_load_seed`).
    Does nothing (returns 0) if any case exists already.
    """
    if Case.objects.exists():
        return 0
    today = timezone.localtime(today or timezone.now())
    with transaction.atomic():
        world = _World()
        if not world.ready:
            return 0
        simulation = _Simulation(world, random.Random(seed), today)
        stories = simulation.plan(count)
        if not stories:
            return 0
        simulation.accounts(stories)
        simulation.run(stories)
        fan_out_due(now=today)  # as the worker did on the day of each event
        _tidy(today)
        return simulation.created
