"""What the apps above cases add to the worker, the outbox and the guard, and hear of intake and
events, without cases importing them.

Cases sits below insights, triage, engagement, care and alliance: those with work for the
worker or news of intake to hear (engagement, care, triage) fill these plain registries in their
`AppConfig.ready()`, as the apps above residents fill `residents.hooks`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum


class Stage(IntEnum):
    """When a sweep runs in the worker's round (`cases.worker.run_once`). Within a stage the
    sweeps touch different rows, and run in the order they were added (the apps' order in
    `INSTALLED_APPS`)."""

    CLOCKS = 1  # cases move on their clocks: escalation, auto-close, provisional deadlines
    NOTICES = 2  # what is due is written to the outbox: care alerts, activity reminders
    DELIVERY = 3  # the outbox goes out, with this round's notices
    LEARNING = 4  # the triage model learns the new cases and corrections
    RETENTION = 5  # personal data past its period, old messages and rate counters


@dataclass(frozen=True)
class Sweep:
    stage: Stage
    run: Callable  # (now=) -> int: how many rows it handled; rerunning it changes nothing


# Name (its count in the worker's output) → sweep.
SWEEPS: dict[str, Sweep] = {}

# Called as hook(cases=[…]) with the new cases, whatever the channel (web, staff desk, REST API,
# Open311, visits, a hotline file), when the worker fans out their intake events (after the
# `CASE_EVENTS` hooks, in the fan-out's transaction); never for a retried submission that
# returns the case filed already. Each runs in a savepoint of its own: its error is logged and
# undone, and never holds the fan-out.
CASE_FILED: list[Callable] = []

# Called as hook(pairs=[(case, event), …]) with the timeline events that tell anyone anything
# (every transition, intake and escalation: `cases.notify.notify_events`), when the worker fans
# them out (`cases.notify.fan_out`), one case's events in their order, in the transaction that
# marks them fanned out: what the hook writes (a connected system's callback, a webhook) is
# stored once, or the fan-out is tried again. A failing hook fails the fan-out of its events.
CASE_EVENTS: list[Callable] = []

# Called as hook(text=, estate=) when a resident leaves the item to us (the report form asks
# what happened, not which catalogue entry): the item to file the report under if an app above
# reads it confidently from the words (triage), else None; then the resident chooses.
ITEM_FROM_WORDS: list[Callable] = []

# Delivery channels the apps above add for the outbox (name → object with `send(message)`,
# raising on failure), looked up by the worker beside `cases.channels.CHANNELS`.
CHANNELS: dict[str, object] = {}

# Called as hook(case=, actor=, action=) when an actor without a staff role that allows the
# action takes it: the party they act for if an app above vouches for them on this case (a
# connected system's account on the orders it sent), else None. The guard still checks the
# case's state, the version and the action's preconditions.
OUTSIDE_ACTORS: list[Callable] = []
