"""A case's clocks as its timeline says they stand, and the one service that puts them right.

The services write deadlines when a clock starts: intake starts both (or takes a connected
hotline's own time limits, kept in its event); a transfer or a ruled
return restarts the response clock; a reopen restarts the resolution clock; an approved
extension sets the resolution deadline itself; an escalation starts the clock to the next one.
Replaying the timeline through the one clock (`catalog.selectors`) gives what the columns
should hold now. Two callers need that: `manage.py case_clocks_recompute` (run once by a
migration: deadlines that earlier versions counted in UTC office hours), and the worker, once
the holiday schedule of a provisional deadline's year is entered.
"""

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from cases.models import LEVELS, OPEN_STATUSES, Action, Case, CaseEvent, Extension, Party
from cases.services import case_apply, intake_clocks
from catalog.clock import Deadline
from catalog.selectors import deadline_compute

CLOCK_FIELDS = ("response_due", "resolution_due", "next_escalation_at", "deadlines_provisional")

# Why clocks were recomputed; the event keeps the code, and the timeline says it in the
# reader's language (`cases.templatetags.cases.event_note`).
RECOMPUTED = {
    "time_zone": _("Deadlines recomputed: office hours and holidays count in Beijing time."),
    "holiday_schedule": _("Deadlines recomputed with the official holiday schedule."),
}


def case_clocks(case: Case, events: list[CaseEvent], extended: dict[int, datetime]) -> dict:
    """The clock columns that `events` (the case's timeline, in order) lead to, under the
    case's SLA policy. `extended` maps approved extensions to their new deadlines."""
    sla = case.sla
    submitted = next((e for e in events if e.action == Action.SUBMIT), None)
    given = {
        name: datetime.fromisoformat(at)
        for name, at in ((submitted and submitted.data.get("due_given")) or {}).items()
        if at
    }
    response, resolution = intake_clocks(
        policy=sla, now=case.created_at, preferred_time=case.preferred_time, given=given
    )
    next_at = (response or resolution).at
    accepted = False
    # Only escalations move a case up, each by one level (at the top, the event says "top").
    level = case.level - sum(
        1 for e in events if e.action == Action.ESCALATE and not e.data.get("top")
    )
    for event in events:
        action, at = event.action, event.at
        if action in (Action.TRANSFER, Action.RULE_RETURN):
            if sla.response_amount:
                response = deadline_compute(
                    start=at, amount=sla.response_amount, unit=sla.response_unit
                )
            else:
                response = resolution
            next_at, accepted = response.at, False
        elif action == Action.RETURN:
            next_at = None
        elif action == Action.ACCEPT:
            next_at, accepted = resolution.at, True
        elif action in (Action.ASSIGN, Action.RESOLVE):
            accepted = True
            if action == Action.RESOLVE:
                next_at = None
        elif action == Action.EXTENSION_APPROVE:
            new_due = extended.get(event.data.get("extension"), resolution.at)
            resolution = Deadline(at=new_due, provisional=False)
            if accepted:
                next_at = new_due
        elif action == Action.REOPEN:
            resolution = deadline_compute(
                start=at, amount=sla.resolution_amount, unit=sla.resolution_unit
            )
            next_at = resolution.at
        elif action == Action.ESCALATE:
            next_at = None
            if not event.data.get("top"):
                level += 1
                if level < len(LEVELS) - 1:
                    amount, unit = (
                        (sla.response_amount, sla.response_unit)
                        if sla.response_amount
                        else (sla.resolution_amount, sla.resolution_unit)
                    )
                    next_at = deadline_compute(start=at, amount=amount, unit=unit).at
    return {
        "response_due": response.at if response else None,
        "resolution_due": resolution.at,
        "next_escalation_at": next_at if case.status in OPEN_STATUSES else None,
        "deadlines_provisional": resolution.provisional or bool(response and response.provisional),
    }


@transaction.atomic
def case_clocks_recompute(
    *, case: Case, now: datetime, reason: str, events=None, extended=None
) -> bool:
    """Write the clocks the timeline leads to, if they differ, with an internal note saying
    why (`reason`, a key of `RECOMPUTED`); the case's version and tallies move as for any
    change. `events` and `extended` may be given when the caller read them for many cases at
    once."""
    if events is None:
        events = list(case.events.order_by("at", "id"))
    if extended is None:
        extended = dict(
            case.extensions.filter(state=Extension.State.APPROVED).values_list("pk", "new_due")
        )
    clocks = case_clocks(case, events, extended)
    changes = {name: value for name, value in clocks.items() if getattr(case, name) != value}
    if not changes or not case_apply(case, changes, now=now):
        return False
    CaseEvent.objects.create(
        case=case,
        at=now,
        party=Party.SYSTEM,
        action=Action.NOTE,
        public=False,
        from_status=case.status,
        to_status=case.status,
        note=str(RECOMPUTED[reason]),
        data={
            "recomputed": reason,
            **{
                name: value.isoformat() if isinstance(value, datetime) else value
                for name, value in changes.items()
            },
        },
    )
    return True


def open_cases_recompute(*, now: datetime, batch: int = 500) -> int:
    """Put right the clocks of every open case; returns how many changed."""
    changed, last_id = 0, 0
    while True:
        cases = list(
            Case.objects.filter(status__in=OPEN_STATUSES, pk__gt=last_id)
            .select_related("sla")
            .order_by("pk")[:batch]
        )
        if not cases:
            return changed
        last_id = cases[-1].pk
        events, extended = {}, {}
        for event in CaseEvent.objects.filter(case__in=cases).order_by("at", "id"):
            events.setdefault(event.case_id, []).append(event)
        approved = Extension.objects.filter(case__in=cases, state=Extension.State.APPROVED)
        for pk, case_id, new_due in approved.values_list("pk", "case_id", "new_due"):
            extended.setdefault(case_id, {})[pk] = new_due
        for case in cases:
            changed += case_clocks_recompute(
                case=case,
                now=now,
                reason="time_zone",
                events=events.get(case.pk, []),
                extended=extended.get(case.pk, {}),
            )
