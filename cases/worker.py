"""The one worker's round: the sweeps of cases (the escalation ladder, auto-close, provisional
clocks, the fan-out of new events, outbox delivery, retention of closed cases, old messages and
rate counters) and those the apps above add to `cases.hooks.SWEEPS` (care alerts and care
retention, activity reminders, triage retraining), run stage by stage (`cases.hooks.Stage`).

Each sweep claims due rows in small batches (`sweep`; SKIP LOCKED on PostgreSQL, so several
workers can run side by side) and calls the same services as people do. Every sweep is safe to
rerun. A row that fails in an unexpected way is logged and skipped; a sweep that fails is
logged, reported by `run_once`, and the other sweeps still run.
"""

import logging
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from cases import hooks, notify, services
from cases.channels import CHANNELS, DeliveryFailed
from cases.clocks import case_clocks_recompute
from cases.models import OPEN_STATUSES, Case, CaseEvent, OutboxMessage, Status
from cases.retention import case_anonymise
from catalog.models import CalendarYear, Item, SlaPolicy
from core.errors import ApplicationError
from core.ratelimit import rate_counters_purge
from orgs.models import OrgUnit
from residents.services import messages_purge

logger = logging.getLogger("hgj.worker")
BATCH = 200
ESCALATION_BATCH = 500  # a few statements per batch, so bigger batches cost less per case


def _claim(queryset, limit=BATCH):
    """Lock a batch of due rows that no other worker holds."""
    if connection.features.has_select_for_update_skip_locked:
        queryset = queryset.select_for_update(skip_locked=True, of=("self",))
    return list(queryset[:limit])


def sweep(queryset, step) -> int:
    """Apply `step` to every row of `queryset`, batch by batch in id order, each row once."""
    done, last_id = 0, 0
    while True:
        with transaction.atomic():
            batch = _claim(queryset.filter(pk__gt=last_id).order_by("pk"))
            for row in batch:
                done += _one(step, row)
                last_id = row.pk
        if len(batch) < BATCH:
            return done


def _one(step, row) -> bool:
    try:
        with transaction.atomic():
            return bool(step(row))
    except ApplicationError as exc:  # e.g. a person changed it a moment ago
        logger.info("skipped %s: %s", row, exc.message)
    except Exception:
        logger.exception("skipped %s after an unexpected error", row)
    return False


# What escalating a case and telling its new level read (`services.cases_escalate`,
# `notify`): a claimed batch loads only these.
ESCALATION_FIELDS = (
    "status",
    "accepted_at",
    "next_escalation_at",
    "level",
    "escalation_count",
    "version",
    "updated_at",
    "tracking_no",
    "channel",
    "company_id",
    "estate_id",
    "domain_id",
    "area_path",
    "created_at",
    "item",
    "owner_unit",
    "sla",
)


def _attach_related(cases: list[Case]) -> None:
    """Give a batch its units (with their parents), clocks and items: a few rows each, read
    once for the batch rather than joined into each of its cases."""
    units = OrgUnit.objects.select_related("parent").in_bulk({c.owner_unit_id for c in cases})
    slas = SlaPolicy.objects.in_bulk({c.sla_id for c in cases})
    items = Item.objects.only("name", "is_sensitive").in_bulk({c.item_id for c in cases})
    for case in cases:
        case.owner_unit = units[case.owner_unit_id]
        case.sla = slas[case.sla_id]
        case.item = items[case.item_id]


def escalate_due(*, now: datetime) -> int:
    # Only open cases have a clock (a constraint says so), so the clock alone selects them.
    due = Case.objects.filter(next_escalation_at__lte=now).only(*ESCALATION_FIELDS)
    # Most due first, along the clock's own index (so a sweep with nothing due is one index
    # probe). Every claimed case moves its clock past `now`, so it leaves the set.
    done = 0
    while True:
        with transaction.atomic():
            batch = _claim(due.order_by("next_escalation_at", "pk"), ESCALATION_BATCH)
            try:
                with transaction.atomic():
                    moved = _escalate(batch, now)
            except Exception:
                # One case that cannot move must not hold the ladder: the batch again, one
                # case at a time (read afresh: the failed attempt changed them in memory).
                logger.exception("escalation batch failed; escalating its cases one by one")
                moved = []
                for case in due.filter(pk__in=[c.pk for c in batch]):
                    try:
                        with transaction.atomic():
                            moved += _escalate([case], now)
                    except Exception:
                        logger.exception("case %s not escalated", case.tracking_no)
        done += len(moved)
        if len(batch) < ESCALATION_BATCH or not moved:
            return done


def _escalate(cases: list[Case], now: datetime) -> list[CaseEvent]:
    _attach_related(cases)
    return services.cases_escalate(cases=cases, now=now) if cases else []


def auto_close_due(*, now: datetime) -> int:
    cutoff = now - timedelta(days=settings.CASE_AUTO_CLOSE_DAYS)
    # Not rated since the last resolution (a reopened case may carry an older rating).
    unrated = Q(rating="") | Q(rated_at__lt=F("resolved_at"))
    due = Case.objects.filter(
        unrated, status=Status.RESOLVED, resolved_at__lte=cutoff, followup_needed=False
    )
    return sweep(due, lambda case: services.case_auto_close(case=case, now=now))


def recompute_provisional(*, now: datetime) -> int:
    """Once a year's holiday schedule is entered, its provisional deadlines become final."""
    known = set(CalendarYear.objects.values_list("year", flat=True))
    due = Case.objects.filter(deadlines_provisional=True, status__in=OPEN_STATUSES)

    def step(case: Case) -> bool:
        dues = [at for at in (case.response_due, case.resolution_due) if at]
        if any(timezone.localtime(at).year not in known for at in dues):
            return False
        return case_clocks_recompute(case=case, now=now, reason="holiday_schedule")

    return sweep(due.select_related("sla"), step)


def _unsent_before():
    """An earlier message of the same queue is not sent yet (pending, or given up on)."""
    return Exists(
        OutboxMessage.objects.filter(
            state__in=[OutboxMessage.State.PENDING, OutboxMessage.State.DEAD],
            queue=OuterRef("queue"),
            pk__lt=OuterRef("pk"),
        )
    )


def fan_out_queue(*, now: datetime):
    """The events due to fan out, each only once its case's earlier ones have."""
    due = OutboxMessage.objects.filter(
        channel=notify.FAN_OUT, state=OutboxMessage.State.PENDING, next_attempt_at__lte=now
    )
    return due.filter(~_unsent_before()).order_by("pk")


def fan_out_due(*, now: datetime) -> int:
    """Fan out the new events (`notify.fan_out`): notifications, messages and the apps'
    hooks, a batch of events at a time, one case's events in their order. Each row is claimed
    and marked sent in the transaction that writes what it fans out to, so each event fans out
    once: a worker that dies midway leaves its batch to the next. An event that fails is
    retried with backoff and holds its case's later events meanwhile."""
    due = fan_out_queue(now=now)
    done = 0
    while True:
        with transaction.atomic():
            batch = _claim(due)
            if not batch:
                return done
            try:
                with transaction.atomic():
                    done += _fan_out(batch, now)
            except Exception:
                logger.exception("fan-out batch failed; fanning its events out one by one")
                for message in batch:
                    try:
                        with transaction.atomic():
                            done += _fan_out([message], now)
                    except Exception as exc:
                        message.attempts += 1  # not leased: the attempt counts here
                        _failed(message, exc, now)


def _fan_out(messages: list[OutboxMessage], now: datetime) -> int:
    events = CaseEvent.objects.select_related(
        "case__item", "case__estate", "case__resident", "actor"
    ).in_bulk([int(m.recipient) for m in messages])
    # An event gone since (its case merged away and deleted) has no one left to tell.
    notify.fan_out([(e.case, e) for m in messages if (e := events.get(int(m.recipient)))])
    OutboxMessage.objects.filter(pk__in=[m.pk for m in messages]).update(
        state=OutboxMessage.State.SENT, sent_at=now, attempts=F("attempts") + 1
    )
    return len(messages)


# A claimed message is not due again until its lease runs out, so no other worker sends it;
# if its worker dies, another one sends it then. A worker starts no send after half the lease.
LEASE = timedelta(minutes=5)


def deliver_outbox(*, now: datetime) -> int:
    """Send what is due, recording each message's outcome as soon as it is known: after a
    crash only the message that was on its way may go out twice (with the same id).

    A message of a queue is due only when every earlier message of its queue was sent: none
    pending (leased by another worker, or waiting for its retry) nor given up on (until it is
    sent again from the admin). So a queue goes out in order whatever the number of workers,
    and the next message is sent in the same round once the one before it is."""
    due = (
        OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING, next_attempt_at__lte=now)
        .exclude(channel=notify.FAN_OUT)
        .filter(Q(queue="") | ~_unsent_before())
        .order_by("next_attempt_at", "pk")
    )
    sent = 0
    while True:
        batch = _lease(due, now)
        stop_at = time.monotonic() + LEASE.total_seconds() / 2
        next_in_queue = False
        for message in batch:
            if time.monotonic() > stop_at:  # a slow receiver: leave the rest to the lease
                return sent
            delivered = _deliver(message, now)
            sent += delivered
            next_in_queue |= delivered and bool(message.queue)
        if len(batch) < BATCH and not next_in_queue:
            return sent


def _lease(due, now: datetime) -> list[OutboxMessage]:
    # From the later of the two clocks: a sweep run with a clock set ahead must not find its
    # own leased messages due again.
    until = max(now, timezone.now()) + LEASE
    with transaction.atomic():
        batch = _claim(due)
        OutboxMessage.objects.filter(pk__in=[m.pk for m in batch]).update(
            next_attempt_at=until, attempts=F("attempts") + 1
        )
    for message in batch:
        message.attempts += 1
    return batch


def _deliver(message: OutboxMessage, now: datetime) -> bool:
    outcome = OutboxMessage.objects.filter(pk=message.pk)
    try:
        channel = CHANNELS.get(message.channel) or hooks.CHANNELS.get(message.channel)
        if channel is None:
            raise DeliveryFailed(f"unknown channel {message.channel}")
        channel.send(message)
    except Exception as exc:  # whatever a backend raises, this attempt failed
        _failed(message, exc, now)
        return False
    outcome.update(state=OutboxMessage.State.SENT, sent_at=now)
    return True


def _failed(message: OutboxMessage, exc: Exception, now: datetime) -> None:
    """Record a failed attempt: retried with backoff, given up after the last attempt."""
    expected = isinstance(exc, DeliveryFailed)
    error = str(exc) if expected else f"{type(exc).__name__}: {exc}"
    # Written escaped: a receiver's bytes may hold what a text column refuses (NUL).
    error = "".join(c if c.isprintable() else repr(c)[1:-1] for c in error)
    logger.warning(
        "outbox message %s: attempt %s failed: %s",
        message.pk,
        message.attempts,
        error,
        exc_info=not expected,
    )
    dead = message.attempts >= settings.OUTBOX_MAX_ATTEMPTS
    OutboxMessage.objects.filter(pk=message.pk).update(
        attempts=message.attempts,
        last_error=error[:500],
        state=OutboxMessage.State.DEAD if dead else OutboxMessage.State.PENDING,
        # Backoff: 1, 2, 4, 8 … minutes.
        next_attempt_at=now + timedelta(minutes=2 ** (message.attempts - 1)),
    )


def anonymise_due(*, now: datetime) -> int:
    """Closed cases whose retention period is over lose their personal data."""
    cutoff = now - timedelta(days=settings.CASE_RETENTION_DAYS)
    due = Case.objects.filter(
        closed_at__lte=cutoff, anonymised_at__isnull=True, status__in=[Status.CLOSED, Status.MERGED]
    )
    return sweep(due.select_related("resident"), lambda case: case_anonymise(case=case, now=now))


def purge_messages(*, now: datetime) -> int:
    """Delivered (or given up) outbox messages and the text-message record after
    `MESSAGE_RETENTION_DAYS`, sign-in codes after a day; in batches, so the first run on a
    long history does not hold one huge delete."""
    cutoff = now - timedelta(days=settings.MESSAGE_RETENTION_DAYS)
    old = OutboxMessage.objects.filter(
        state__in=[OutboxMessage.State.SENT, OutboxMessage.State.DEAD], created_at__lt=cutoff
    )
    purged = 0
    while ids := list(old.values_list("pk", flat=True)[:5000]):
        purged += OutboxMessage.objects.filter(pk__in=ids).delete()[0]
    return purged + messages_purge(now=now)


def run_once(*, now: datetime | None = None) -> dict[str, int]:
    """Every sweep once (`cases.hooks.SWEEPS`, stage by stage): what each did, and how many
    sweeps failed (each is logged)."""
    now = now or timezone.now()
    counts, failed = {}, 0
    for name, job in sorted(hooks.SWEEPS.items(), key=lambda item: item[1].stage):
        try:
            counts[name] = job.run(now=now)
        except Exception:
            logger.exception("sweep %s failed", name)
            counts[name] = 0
            failed += 1
    return {**counts, "failed_sweeps": failed}


def rate_counters_purge_due(*, now: datetime) -> int:
    return rate_counters_purge(now=now.timestamp())


# The sweeps of cases itself; the apps above add theirs in their `AppConfig.ready()`.
CASE_SWEEPS = {
    "escalated": hooks.Sweep(hooks.Stage.CLOCKS, escalate_due),
    "auto_closed": hooks.Sweep(hooks.Stage.CLOCKS, auto_close_due),
    "recomputed": hooks.Sweep(hooks.Stage.CLOCKS, recompute_provisional),
    "fanned_out": hooks.Sweep(hooks.Stage.NOTICES, fan_out_due),
    "delivered": hooks.Sweep(hooks.Stage.DELIVERY, deliver_outbox),
    "anonymised": hooks.Sweep(hooks.Stage.RETENTION, anonymise_due),
    "messages_purged": hooks.Sweep(hooks.Stage.RETENTION, purge_messages),
    "rate_counters_purged": hooks.Sweep(hooks.Stage.RETENTION, rate_counters_purge_due),
}
