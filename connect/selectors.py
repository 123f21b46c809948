"""Reads for connected systems."""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import QuerySet

from cases.models import OPEN_STATUSES
from cases.selectors import cases_in_scope
from connect.models import ConnectedSystem, ExternalOrder
from core.errors import NotFound

KEY_PREFIX = "hgjc_"


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def system_for_key(*, key: str | None) -> ConnectedSystem | None:
    """The connected system whose live key this is, or None."""
    if not key or not key.startswith(KEY_PREFIX) or len(key) > 100:
        return None
    return (
        ConnectedSystem.objects.select_related("community", "company", "user")
        .filter(key_hash=key_hash(key), revoked_at__isnull=True)
        .first()
    )


# ---------------------------------------------------------------------------------------------
# Orders whose answer is due (portal-only hotlines answer by hand)


@dataclass(frozen=True)
class AnswerDue:
    """The next answer an open order owes its hotline: signing for it, or its completion."""

    order: ExternalOrder
    step: str  # "sign" (签收) or "complete" (办结)
    due: datetime | None

    def overdue(self, now: datetime) -> bool:
        return self.due is not None and self.due <= now


def orders_for(*, user) -> QuerySet[ExternalOrder]:
    """The orders whose case the user may see."""
    return ExternalOrder.objects.filter(case__in=cases_in_scope(user=user))


def order_get_for(*, user, order_id) -> ExternalOrder:
    order = (
        orders_for(user=user)
        .select_related("system", "case__item", "case__owner_unit", "case__company")
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        raise NotFound()
    return order


def answers_due_for(*, user, until: datetime | None = None) -> list[AnswerDue]:
    """The open orders in the user's scope with the answer each owes next, nearest deadline
    first (those without one last); only those due before `until` if it is given. Its own
    deadline is the hotline's (签收时限, 办结时限), else the case's clock."""
    orders = (
        orders_for(user=user)
        .filter(case__status__in=OPEN_STATUSES)
        .select_related("system", "case__item")
        .order_by("pk")
    )
    found = []
    for order in orders:
        case = order.case
        if case.accepted_at is None:
            answer = AnswerDue(order, "sign", order.sign_by or case.response_due)
        else:
            answer = AnswerDue(order, "complete", order.answer_by or case.resolution_due)
        if until is None or (answer.due is not None and answer.due < until):
            found.append(answer)
    far = datetime.max.replace(tzinfo=UTC)
    return sorted(found, key=lambda a: a.due or far)
