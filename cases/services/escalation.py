"""Clocks and escalation: extensions approved one level up, supervision, the ladder the worker
climbs with cases that miss a clock, and auto-close of resolved cases nobody rated."""

from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import notify
from cases.models import (
    LEVELS,
    OPEN_STATUSES,
    Action,
    Case,
    CaseEvent,
    Extension,
    Party,
)
from cases.services.guard import _guard, _refuse
from cases.services.transition import _transition
from cases.tallies import tally_changes, tally_key
from catalog.selectors import (
    deadline_compute,
)
from core.errors import Conflict

# How far a person may set a supervision deadline, or move a deadline by an extension.
HORIZON_DAYS = 90


DEADLINE_HORIZON = timedelta(days=HORIZON_DAYS)


@transaction.atomic
def case_request_extension(
    *, case: Case, actor, reason: str, new_due: datetime, expected_version=None, now=None
) -> Extension:
    now = now or timezone.now()
    party = _guard(
        case,
        action=Action.EXTENSION_REQUEST,
        actor=actor,
        expected_version=expected_version,
        now=now,
    )
    if not (reason or "").strip():
        _refuse(_("Give a reason for the extension."))
    if new_due <= case.resolution_due:
        _refuse(_("The new deadline must be later than the current one."))
    if new_due > case.resolution_due + DEADLINE_HORIZON:
        _refuse(
            _("An extension adds at most %(days)d days to the deadline.") % {"days": HORIZON_DAYS}
        )
    extension = Extension.objects.create(
        case=case,
        requested_by=actor,
        reason=reason.strip()[:500],
        new_due=new_due,
        requested_at=now,
    )
    _transition(
        case,
        action=Action.EXTENSION_REQUEST,
        actor=actor,
        party=party,
        note=reason,
        now=now,
        public=False,
        data={"extension": extension.pk, "new_due": new_due.isoformat()},
    )
    return extension


@transaction.atomic
def case_decide_extension(
    *,
    extension: Extension,
    actor,
    approve: bool,
    note: str = "",
    new_due: datetime | None = None,
    expected_version=None,
    now=None,
) -> CaseEvent:
    """Approval comes one level up: never from the person who asked. The approver may set
    another date than the one asked for (`new_due`: a connected hotline grants its own)."""
    case = extension.case
    action = Action.EXTENSION_APPROVE if approve else Action.EXTENSION_REJECT
    party = _guard(case, action=action, actor=actor, expected_version=expected_version)
    now = now or timezone.now()
    if approve and new_due is not None and new_due <= now:
        _refuse(_("The new deadline must be in the future."))
    new_due = new_due if approve and new_due is not None else extension.new_due
    updated = (
        Extension.objects.filter(pk=extension.pk, state=Extension.State.PENDING)
        .exclude(requested_by=actor)  # should two requests have raced past the guard
        .update(
            state=Extension.State.APPROVED if approve else Extension.State.REJECTED,
            decided_by=actor,
            decided_at=now,
            new_due=new_due,
        )
    )
    if updated != 1:
        raise Conflict()
    extension.new_due = new_due
    changes = {}
    if approve:
        changes = {"resolution_due": new_due}
        if case.accepted_at:
            changes["next_escalation_at"] = new_due
    return _transition(
        case,
        action=action,
        actor=actor,
        party=party,
        note=note,
        now=now,
        public=approve,
        changes=changes,
        data={"extension": extension.pk},
    )


@transaction.atomic
def case_supervise(
    *, case: Case, actor, due: datetime, note: str = "", expected_version=None, now=None
) -> CaseEvent:
    party = _guard(case, action=Action.SUPERVISE, actor=actor, expected_version=expected_version)
    now = now or timezone.now()
    if due <= now:
        _refuse(_("The supervision deadline must be in the future."))
    if due > now + DEADLINE_HORIZON:
        _refuse(_("Set the supervision deadline within %(days)d days.") % {"days": HORIZON_DAYS})
    return _transition(
        case,
        action=Action.SUPERVISE,
        actor=actor,
        party=party,
        note=note,
        now=now,
        public=False,
        changes={"supervised_at": now, "supervise_due": due},
        data={"due": due.isoformat()},
    )


@transaction.atomic
def cases_escalate(*, cases: list[Case], now: datetime) -> list[CaseEvent]:
    """Move each case that missed its clock one level up the ladder, in a few queries.

    The caller holds the rows (the worker's claim: fresh, locked, with `owner_unit__parent`,
    `sla` and `item` loaded). A case whose clock is not due is left alone, so a rerun, or a
    second worker, changes nothing.
    """
    moved, events, first_time = [], [], []
    for case in cases:
        if case.status not in OPEN_STATUSES or not case.next_escalation_at:
            continue
        if case.next_escalation_at > now:
            continue
        if not case.escalation_count:
            first_time.append(case)
        events.append(_climb(case, now))
        moved.append(case)
    _save_escalations(moved)
    # Of all the tallies, escalating changes only "escalated", once: a case escalated for the
    # first time now counts on the day it was submitted (at the top level nothing changes).
    # Said directly rather than by `case_tallies` before and after: that costs a tenth more
    # per sweep (measured at 1 M cases); the recount tests hold both to the same answer.
    tally_changes(
        ({}, {tally_key(case, case.created_at): {"escalated": 1}})
        for case in first_time
        if case.escalation_count
    )
    CaseEvent.objects.bulk_create(events)
    notify.notify_events(list(zip(moved, events, strict=True)))
    return events


def _climb(case: Case, now: datetime) -> CaseEvent:
    """Move the case (in memory) one level up and start the clock to the next level; the
    event that says so (not yet stored)."""
    missed = "response" if case.accepted_at is None else "resolution"
    data = {"missed": missed}
    event = CaseEvent(case=case, at=now, party=Party.SYSTEM, action=Action.ESCALATE, public=False)
    if case.level >= len(LEVELS) - 1:
        # At the subdistrict it stays on the red list until handled.
        case.next_escalation_at = None
        data["top"] = True
    else:
        upper = case.owner_unit.parent
        sla = case.sla
        amount, unit = (
            (sla.response_amount, sla.response_unit)
            if sla.response_amount
            else (sla.resolution_amount, sla.resolution_unit)
        )
        data.update({"from": case.owner_unit_id, "to": upper.pk})
        case.owner_unit = upper
        case.level += 1
        case.escalation_count += 1
        top = case.level >= len(LEVELS) - 1
        case.next_escalation_at = (
            None if top else deadline_compute(start=now, amount=amount, unit=unit).at
        )
        event.unit = upper
        event.note = _("Escalated to %(unit)s") % {"unit": upper.name}
    case.version += 1
    case.updated_at = now
    event.from_status = event.to_status = case.status
    event.data = data
    return event


def _save_escalations(cases: list[Case]) -> None:
    """One UPDATE … FROM (VALUES …) for the whole batch: the set-based form is several
    times faster than a statement per row, and Django's bulk_update builds a CASE expression
    per row and field."""
    if not cases:
        return
    datetime_value = connection.ops.adapt_datetimefield_value
    pg = connection.vendor == "postgresql"  # PostgreSQL types the VALUES by casts
    types = ("bigint", "bigint", "integer", "integer", "timestamptz", "integer", "timestamptz")
    row = "(" + ", ".join(f"%s::{t}" if pg else "%s" for t in types) + ")"
    table = Case._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET owner_unit_id = v.column2, level = v.column3, "
            "escalation_count = v.column4, next_escalation_at = v.column5, "
            "version = v.column6, updated_at = v.column7 "
            f"FROM (VALUES {', '.join([row] * len(cases))}) AS v WHERE {table}.id = v.column1",
            [
                value
                for case in cases
                for value in (
                    case.pk,
                    case.owner_unit_id,
                    case.level,
                    case.escalation_count,
                    datetime_value(case.next_escalation_at),
                    case.version,
                    datetime_value(case.updated_at),
                )
            ],
        )


@transaction.atomic
def case_auto_close(*, case: Case, now: datetime) -> CaseEvent:
    party = _guard(case, action=Action.AUTO_CLOSE, actor=None)
    return _transition(
        case,
        action=Action.AUTO_CLOSE,
        party=party,
        now=now,
        changes={"closed_at": now, "auto_closed": True},
    )
