"""What the apps above cases add to the worker and hear of intake, without cases importing them.

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

# Called as hook(case=) once for each new case, whatever the channel (web, staff desk, REST API,
# Open311, visits), after the case and its first event are stored, in intake's transaction;
# never for a retried submission that returns the case filed already. Each runs in a savepoint
# of its own: its error is logged and undone, and never fails the intake.
CASE_FILED: list[Callable] = []
