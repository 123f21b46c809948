"""The hotline's answers coming back: its ruling on a return request or an extension request,
and its follow-up call's result, each applied through the cases' own services as the system's
service account (the guard lets it act on its own orders only: `system_acts_for`).

Each answer is kept under the hotline's own answer id (`HotlineAnswer`): sent again, it gets
the same reply and changes nothing. An answer that no longer fits the case (staff ruled
first, the case is not resolved yet) is refused with a conflict and nothing is recorded."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import services
from cases.models import Action, Case, Extension, Participant, Party, Rating, RatingSource, Status
from connect.callbacks import FROM_SYSTEMS, iso
from connect.models import ConnectedSystem, ExternalOrder, HotlineAnswer
from core.errors import ApplicationError, Conflict, NotFound

# What a connected system may do on the cases of its own orders: rule on what was asked of it
# and record its follow-up call.
SYSTEM_ACTIONS = frozenset(
    {
        Action.NOTE,
        Action.RULE_RETURN,
        Action.EXTENSION_APPROVE,
        Action.EXTENSION_REJECT,
        Action.FOLLOW_UP,
        Action.REOPEN,
    }
)


class AnswerRefused(ApplicationError):
    code = "answer_refused"
    status = 409


class AnswerIdReused(ApplicationError):
    code = "answer_id_reused"
    status = 422


def system_acts_for(*, case: Case, actor, action: str) -> str | None:
    """A `cases.hooks.OUTSIDE_ACTORS` hook: a system's account acts on its own orders."""
    if action not in SYSTEM_ACTIONS or case.channel not in FROM_SYSTEMS:
        return None
    if ExternalOrder.objects.filter(case_id=case.pk, system__user_id=actor.pk).exists():
        return Party.SYSTEM
    return None


def _aware(at: datetime | None) -> datetime | None:
    """A time the hotline sent without a zone is Beijing time."""
    if at is not None and timezone.is_naive(at):
        return timezone.make_aware(at)
    return at


def _answer(
    *, system: ConnectedSystem, answer_id: str, order_number: str, kind: str, request: dict, apply
) -> dict:
    """Apply an answer once: the stored reply if this answer id came before (with the same
    content), else `apply(order, case)` and the reply, kept with the answer. The order's row
    is locked first, so the same answer arriving twice at once is applied once; staff acting
    on the case at the same moment make the answer read the case again."""
    request = {"order_number": order_number, **request}
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return _answer_once(system, answer_id, order_number, kind, request, apply)
        except (Conflict, IntegrityError):
            # Someone changed the case meanwhile, or the answer id was just used for another
            # order: read both again.
            continue
    raise Conflict()


def _answer_once(system, answer_id, order_number, kind, request, apply) -> dict:
    order = (
        ExternalOrder.objects.select_for_update()
        .filter(system=system, number=order_number, case__isnull=False)
        .first()
    )
    if order is None:
        raise NotFound(_("No order with this number was filed here."))
    seen = HotlineAnswer.objects.filter(system=system, answer_id=answer_id).first()
    if seen is not None:
        if seen.request != request:
            raise AnswerIdReused(_("This answer id was used for another answer: use a new one."))
        return seen.reply
    case = Case.objects.select_related("sla", "estate").get(pk=order.case_id)
    apply(order, case)
    reply = _reply(answer_id, order, case)
    HotlineAnswer.objects.create(
        system=system,
        answer_id=answer_id,
        order=order,
        kind=kind,
        request=request,
        reply=reply,
        received_at=timezone.now(),
    )
    return reply


def _reply(answer_id: str, order: ExternalOrder, case: Case) -> dict:
    return {
        "answer_id": answer_id,
        "order_number": order.number,
        "tracking_no": case.tracking_no,
        "status": case.status,
        "resolution_due": iso(case.resolution_due) if case.resolution_due else None,
    }


def _moved(order: ExternalOrder, answer_by: datetime) -> None:
    """The hotline's completion deadline for the order, as the hotline set it again."""
    ExternalOrder.objects.filter(pk=order.pk).update(answer_by=answer_by)


def return_ruling(
    *, system, answer_id: str, order_number: str, approved: bool, note: str = ""
) -> dict:
    """Approved: the return stands, and the case stays with the back office (the router) for
    it to rule as on any return. Refused: the case goes back to the party that returned it,
    whose clock starts again."""

    def apply(order, case):
        if case.status != Status.RETURNED:
            raise AnswerRefused(
                _(
                    "No return request of this order is waiting for a ruling "
                    "(the case is “%(status)s”)."
                )
                % {"status": case.get_status_display()}
            )
        words = (
            _("%(system)s approved the return.")
            if approved
            else _("%(system)s refused the return.")
        ) % {"system": system.name}
        words = f"{words} {note}".strip()
        if approved:
            services.case_reply(case=case, actor=system.user, text=words, public=False)
            return
        lead = Participant.objects.filter(case=case, role=Participant.Role.LEAD).first()
        services.case_rule_return(
            case=case,
            actor=system.user,
            org_unit=lead.org_unit if lead else case.owner_unit,
            company=lead.company if lead else None,
            note=words,
        )

    return _answer(
        system=system,
        answer_id=answer_id,
        order_number=order_number,
        kind=HotlineAnswer.Kind.RETURN,
        request={"approved": approved, "note": note},
        apply=apply,
    )


def extension_ruling(
    *,
    system,
    answer_id: str,
    order_number: str,
    approved: bool,
    new_due: datetime | None = None,
    note: str = "",
) -> dict:
    """Approved: the deadline moves to the hotline's new date (the one asked for when it names
    none). Refused: the deadline stays."""
    new_due = _aware(new_due)

    def apply(order, case):
        pending = case.extensions.filter(state=Extension.State.PENDING).first()
        if pending is None:
            raise AnswerRefused(_("No extension request of this order is waiting for a ruling."))
        services.case_decide_extension(
            extension=pending, actor=system.user, approve=approved, note=note, new_due=new_due
        )
        if approved:
            _moved(order, pending.new_due)

    return _answer(
        system=system,
        answer_id=answer_id,
        order_number=order_number,
        kind=HotlineAnswer.Kind.EXTENSION,
        request={
            "approved": approved,
            "new_due": new_due.isoformat() if new_due else None,
            "note": note,
        },
        apply=apply,
    )


def follow_up_record(
    *,
    system,
    answer_id: str,
    order_number: str,
    rating: str,
    solved: bool,
    note: str = "",
    new_due: datetime | None = None,
) -> dict:
    """The follow-up call's verdict becomes the case's rating (source: the hotline) and its
    follow-up (solved or not), counted in the three rates. Dissatisfied or not solved reopens
    the case (重办) with the hotline's new time limit, `new_due`."""
    new_due = _aware(new_due)
    redo = rating == Rating.DISSATISFIED or not solved
    if rating not in Rating.values:
        raise ApplicationError(_("Choose a rating."), code="invalid")
    if redo and new_due is None:
        raise ApplicationError(
            _("A case to be redone needs the hotline's new time limit (new_due)."),
            code="invalid",
            data={"fields": {"new_due": ["required"]}},
        )

    def apply(order, case):
        if case.status not in (Status.RESOLVED, Status.CLOSED):
            raise AnswerRefused(
                _("The case is not resolved yet (it is “%(status)s”): follow-up comes after it.")
                % {"status": case.get_status_display()}
            )
        services.case_follow_up(
            case=case,
            actor=system.user,
            solved=solved,
            note=note,
            rating=rating,
            rating_source=RatingSource.HOTLINE,
        )
        if redo:
            reason = _("%(system)s follow-up: to be redone.") % {"system": system.name}
            services.case_reopen(case=case, user=system.user, reason=reason, due=new_due)
            _moved(order, new_due)

    return _answer(
        system=system,
        answer_id=answer_id,
        order_number=order_number,
        kind=HotlineAnswer.Kind.FOLLOW_UP,
        request={
            "rating": rating,
            "solved": solved,
            "note": note,
            "new_due": new_due.isoformat() if new_due else None,
        },
        apply=apply,
    )
