"""Answers going out: what a connected system hears of the orders it sent, in its own terms
(签收, 退单申请, 延期申请, 阶段反馈, 办结), written to the outbox with the event that made them.

`callbacks_write` is a `cases.hooks.CASE_EVENTS` hook: it runs in the transaction of every
case event, so an answer is stored with its event or not at all. Each goes to the system's
endpoint through the outbox (`connect.channels`), signed, retried, one case's answers in the
order of their events (the queue `s<system>:c<case>`), each with its event's id as a stable
event id."""

import json
from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from cases.models import Action, Case, CaseEvent, Channel, ReturnReason
from cases.notify import outbox_message, outbox_write
from cases.selectors import published_photos
from connect.models import ExternalOrder
from orgs.models import StaffMembership

CHANNEL = "connect"  # the outbox channel of everything sent to connected systems
FROM_SYSTEMS = frozenset({Channel.HOTLINE, Channel.CONNECTED})

# The timeline actions a system hears of, by the name of its message.
CALLBACKS = {
    Action.ACCEPT: "accepted",  # 签收
    Action.RETURN: "return_request",  # 退单申请
    Action.EXTENSION_REQUEST: "extension_request",  # 延期申请
    Action.REPLY: "progress",  # 阶段反馈
    Action.RESOLVE: "resolved",  # 办结
}


def iso(at) -> str:
    return timezone.localtime(at).isoformat(timespec="seconds")


def callbacks_write(*, pairs: list[tuple[Case, CaseEvent]]) -> int:
    """The outbox rows of the events that a system with an endpoint hears of."""
    wanted = [
        (case, event)
        for case, event in pairs
        if event.action in CALLBACKS and case.channel in FROM_SYSTEMS
    ]
    if not wanted:
        return 0
    orders = {
        order.case_id: order
        for order in ExternalOrder.objects.filter(case__in=[case.pk for case, _ in wanted])
        .exclude(system__endpoint_url="")
        .select_related("system")
    }
    messages = [
        outbox_message(
            channel=CHANNEL,
            recipient=f"system:{order.system_id}",
            body=json.dumps(callback_body(order, case, event), ensure_ascii=False),
            at=event.at,
            queue=f"s{order.system_id}:c{case.pk}",
        )
        for case, event in wanted
        if (order := orders.get(case.pk))
    ]
    return outbox_write(messages)


def callback_body(order: ExternalOrder, case: Case, event: CaseEvent) -> dict:
    body = {
        "event_id": event.pk,
        "type": CALLBACKS[event.action],
        "order_number": order.number,
        "tracking_no": case.tracking_no,
        "at": iso(event.at),
    }
    if event.action == Action.ACCEPT:
        body["accepted_by"] = acting_for(event.actor)
    elif event.action == Action.RETURN:
        reason = event.data.get("reason", "")
        with translation.override("zh-hans"):  # the hotline's own words, whoever returned it
            label = str(ReturnReason(reason).label)
        body.update(reason=reason, reason_label=label, note=event.note)
    elif event.action == Action.EXTENSION_REQUEST:
        new_due = datetime.fromisoformat(event.data["new_due"])
        body.update(reason=event.note, new_due=iso(new_due))
    elif event.action == Action.REPLY:
        body["text"] = event.note
    elif event.action == Action.RESOLVE:
        body["text"] = event.note
        if settings.SITE_URL:
            body["photos"] = [
                settings.SITE_URL.rstrip("/") + reverse("cases:public_photo", args=[pk])
                for pk in published_photos().filter(case=case).values_list("pk", flat=True)
            ]
    return body


def acting_for(user) -> dict:
    """Who did it, and for which unit or company: the name the hotline is given."""
    if user is None:
        return {"name": "", "unit": ""}
    membership = (
        StaffMembership.objects.filter(user=user, is_active=True)
        .select_related("org_unit", "company")
        .order_by("pk")
        .first()
    )
    unit = (membership.org_unit or membership.company).name if membership else ""
    return {"name": user.full_name or user.username, "unit": unit}
