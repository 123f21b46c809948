"""Reads for connected systems: a key's system, and, in scope, the orders waiting for a
place, where they may go, the case an order became, the file imports."""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import Q, QuerySet

from cases.models import OPEN_STATUSES
from cases.selectors import case_get_for, cases_in_scope
from connect.models import ConnectedSystem, ExternalOrder, OrderImport, WebhookSubscription
from core.errors import NotFound
from orgs.models import Building, Estate, Household
from orgs.roles import Permission
from orgs.selectors import scope_for, subtree_q

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


def webhooks_of(system: ConnectedSystem) -> QuerySet[WebhookSubscription]:
    """The system's own webhooks (those set in the admin for its scope included)."""
    return WebhookSubscription.objects.filter(system=system).order_by("pk")


def webhook_of(system: ConnectedSystem, webhook_id: int) -> WebhookSubscription:
    hook = webhooks_of(system).filter(pk=webhook_id).first()
    if hook is None:
        raise NotFound()
    return hook


# -- Orders coming in ----------------------------------------------------------------------


def system_estates(system: ConnectedSystem) -> QuerySet[Estate]:
    """Where a system may file: its community's estates, or its company's."""
    if system.community_id:
        return Estate.objects.filter(community_id=system.community_id)
    return Estate.objects.filter(company_id=system.company_id)


def systems_for(*, user) -> QuerySet[ConnectedSystem]:
    """The systems whose unplaced orders and file imports a staff member works on: those of
    their community (community staff, not a grid below it), or of a company whose estates
    they serve (the company's own staff, or the community of one of its estates)."""
    scope = scope_for(user)
    if scope.everything:
        return ConnectedSystem.objects.all()
    if not scope.has(Permission.HANDLE_CASES) or not (scope.org_paths or scope.company_ids):
        return ConnectedSystem.objects.none()
    served = Estate.objects.filter(subtree_q("community__path", scope.org_paths))
    return ConnectedSystem.objects.filter(
        subtree_q("community__path", scope.org_paths)
        | Q(company_id__in=scope.company_ids)
        | Q(company_id__in=served.values("company_id"))
    )


def orders_to_place_for(*, user) -> QuerySet[ExternalOrder]:
    """The "needs a place" queue: orders of the user's systems that wait for staff to say
    where they are, oldest first."""
    return (
        ExternalOrder.objects.filter(
            state=ExternalOrder.State.NEEDS_PLACE, system__in=systems_for(user=user)
        )
        .select_related("system")
        .order_by("received_at", "id")
    )


def orders_to_place_count(*, user) -> int:
    """How many orders wait for the user to place them (the navigation's badge): none are
    looked for unless the user handles cases."""
    if not scope_for(user).has(Permission.HANDLE_CASES):
        return 0
    return orders_to_place_for(user=user).count()


def order_to_place_get_for(*, user, order_id) -> ExternalOrder:
    order = orders_to_place_for(user=user).filter(pk=order_id).first()
    if order is None:
        raise NotFound()
    return order


@dataclass(frozen=True)
class Places:
    """Where a staff member may place an order: the system's estates in their own scope,
    and below them only what their scope holds."""

    estates: QuerySet[Estate]
    buildings: QuerySet[Building]
    households: QuerySet[Household]


def order_places_for(*, user, order: ExternalOrder) -> Places:
    scope = scope_for(user)
    estates = system_estates(order.system) & scope.estates()
    return Places(
        estates=estates.select_related("community", "company").order_by("name", "pk"),
        buildings=scope.buildings().filter(estate__in=estates).select_related("microgrid"),
        households=scope.households().filter(unit__building__estate__in=estates),
    )


def order_of_case_for(*, user, case_id) -> ExternalOrder:
    """The order a case came from, for whoever may see the case."""
    case = case_get_for(user=user, case_id=case_id)
    order = ExternalOrder.objects.select_related("system", "item_confirmed_by", "placed_by")
    order = order.filter(case=case).first()
    if order is None:
        raise NotFound()
    order.case = case
    return order


def orders_to_confirm_for(*, user) -> QuerySet[ExternalOrder]:
    """Filed orders whose category came from triage's suggestion, not yet confirmed, of the
    cases the user sees."""
    return (
        ExternalOrder.objects.filter(
            item_suggested=True,
            item_confirmed_at__isnull=True,
            case__in=cases_in_scope(user=user).filter(status__in=OPEN_STATUSES),
        )
        .select_related("system", "case__item")
        .order_by("received_at", "id")
    )


def imports_for(*, user) -> QuerySet[OrderImport]:
    return OrderImport.objects.filter(system__in=systems_for(user=user)).select_related(
        "system", "uploaded_by"
    )


def import_get_for(*, user, import_id) -> OrderImport:
    found = imports_for(user=user).filter(pk=import_id).first()
    if found is None:
        raise NotFound()
    return found


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
