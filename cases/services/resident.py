"""The resident's own actions on their case: reply, rate, reopen (staff who handle it may
reopen too)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import (
    Action,
    Case,
    CaseEvent,
    Rating,
    RatingSource,
    Status,
)
from cases.services.guard import _guard, _refuse
from cases.services.transition import _transition
from catalog.selectors import (
    deadline_compute,
)


@transaction.atomic
def case_resident_reply(
    *, case: Case, user, text: str, relayed: bool = False, data=None, now=None
) -> CaseEvent:
    """The resident's reply on their own case; or, `relayed`, a resident's reply that a
    connected system (an Open311 client, `user` its account) passes on, with what the system
    needs to recognise it again in `data`."""
    party = _guard(case, action=Action.RESIDENT_REPLY, actor=user, relayed=relayed)
    text = (text or "").strip()
    if not text:
        _refuse(_("Write something first."))
    return _transition(
        case,
        action=Action.RESIDENT_REPLY,
        actor=user,
        party=party,
        note=text[:2000],
        data=data,
        now=now,
    )


@transaction.atomic
def case_rate(
    *, case: Case, user, rating: str, comment: str = "", tags=(), reopen: bool = False, now=None
) -> CaseEvent:
    """The resident's verdict. Satisfied closes the case; dissatisfied asks the community to
    follow up, and the resident may reopen."""
    party = _guard(case, action=Action.RATE, actor=user)
    if rating not in Rating.values:
        _refuse(_("Choose a rating."))
    now = now or timezone.now()
    dissatisfied = rating == Rating.DISSATISFIED
    changes = {
        "rating": rating,
        "rating_comment": (comment or "")[:500],
        "rated_at": now,
        "rating_source": RatingSource.RESIDENT,
        "followup_needed": dissatisfied,
    }
    if not dissatisfied:
        changes.update(status=Status.CLOSED, closed_at=now)
    event = _transition(
        case,
        action=Action.RATE,
        actor=user,
        party=party,
        note=comment or "",
        now=now,
        changes=changes,
        data={"rating": rating, "tags": [str(t)[:20] for t in tags][:10]},
    )
    if dissatisfied and reopen:
        case_reopen(case=case, user=user, now=now)
    return event


@transaction.atomic
def case_reopen(
    *, case: Case, user, reason: str = "", due=None, expected_version=None, now=None
) -> CaseEvent:
    """Reopen by the resident (their own case) or by handling staff, with a new resolution
    clock from the case's policy; or by a connected hotline (重办) with its own time limit,
    `due`."""
    party = _guard(case, action=Action.REOPEN, actor=user, expected_version=expected_version)
    now = now or timezone.now()
    provisional = case.deadlines_provisional
    if due is None:
        deadline = deadline_compute(
            start=now, amount=case.sla.resolution_amount, unit=case.sla.resolution_unit
        )
        due, provisional = deadline.at, provisional or deadline.provisional
    elif due <= now:
        _refuse(_("The new deadline must be in the future."))
    return _transition(
        case,
        action=Action.REOPEN,
        actor=user,
        party=party,
        note=reason,
        now=now,
        changes={
            "reopen_count": case.reopen_count + 1,
            "resolved_at": None,
            "closed_at": None,
            "resolution_due": due,
            "next_escalation_at": due,
            "deadlines_provisional": provisional,
        },
    )
