"""Case-event webhooks for every integrator: each event of a case in a subscription's scope
that it asked for, as JSON with a public summary (the one redaction of every public output),
written to the outbox in the event's transaction and sent signed, in order per case (the
queue `w<webhook>:c<case>`), with the event's id as a stable event id.

`webhooks_write` is a `cases.hooks.CASE_EVENTS` hook."""

import json

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from cases.models import Action, Case, CaseEvent, OutboxMessage
from cases.notify import outbox_message, outbox_write
from connect.callbacks import CHANNEL, iso
from connect.models import ExternalOrder, WebhookEvent, WebhookSubscription
from residents.redaction import public_text

# The timeline actions behind each webhook event.
EVENTS = {
    Action.SUBMIT: WebhookEvent.SUBMITTED,
    Action.ACCEPT: WebhookEvent.ACCEPTED,
    Action.TRANSFER: WebhookEvent.TRANSFERRED,
    Action.RULE_RETURN: WebhookEvent.TRANSFERRED,  # the ruling dispatches it to a new lead
    Action.RETURN: WebhookEvent.RETURNED,
    Action.WHISTLE: WebhookEvent.WHISTLED,
    Action.ESCALATE: WebhookEvent.ESCALATED,
    Action.EXTENSION_REQUEST: WebhookEvent.EXTENSION,
    Action.EXTENSION_APPROVE: WebhookEvent.EXTENSION,
    Action.EXTENSION_REJECT: WebhookEvent.EXTENSION,
    Action.RESOLVE: WebhookEvent.RESOLVED,
    Action.RATE: WebhookEvent.RATED,
    Action.REOPEN: WebhookEvent.REOPENED,
    Action.CLOSE: WebhookEvent.CLOSED,
    Action.AUTO_CLOSE: WebhookEvent.CLOSED,
    Action.MERGE: WebhookEvent.CLOSED,
}


def event_name(event: CaseEvent) -> str | None:
    if event.action == Action.FOLLOW_UP and event.data.get("rating"):
        return WebhookEvent.RATED  # a hotline's follow-up call carries the rating
    return EVENTS.get(event.action)


def _covers(webhook: WebhookSubscription, case: Case) -> bool:
    """Whether the case is in the webhook's scope: its system's, or its own."""
    if webhook.system_id:
        unit, company_id = webhook.system.community, webhook.system.company_id
    else:
        unit, company_id = webhook.org_unit, webhook.company_id
    if unit is not None:
        return case.area_path.startswith(unit.path)
    return case.company_id == company_id


def webhooks_write(*, pairs: list[tuple[Case, CaseEvent]]) -> int:
    named = [(case, event, name) for case, event in pairs if (name := event_name(event))]
    if not named:
        return 0
    webhooks = list(
        WebhookSubscription.objects.filter(is_active=True).select_related(
            "system__community", "org_unit"
        )
    )
    if not webhooks:
        return 0
    numbers = dict(
        ExternalOrder.objects.filter(case__in={case.pk for case, _, _ in named}).values_list(
            "case_id", "number"
        )
    )
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        for case, event, name in named:
            body = None
            for webhook in webhooks:
                if name not in webhook.events or not _covers(webhook, case):
                    continue
                body = body or json.dumps(
                    webhook_body(case, event, name, numbers.get(case.pk)), ensure_ascii=False
                )
                messages.append(
                    outbox_message(
                        channel=CHANNEL,
                        recipient=f"webhook:{webhook.pk}",
                        body=body,
                        at=event.at,
                        queue=f"w{webhook.pk}:c{case.pk}",
                    )
                )
    return outbox_write(messages)


def webhook_body(case: Case, event: CaseEvent, name: str, external_number: str | None) -> dict:
    return {
        "event_id": event.pk,
        "event": name,
        "action": event.action,
        "tracking_no": case.tracking_no,
        "external_number": external_number,
        "at": iso(event.at),
        "status": event.to_status or case.status,
        "summary": public_summary(case, event),
    }


def public_summary(case: Case, event: CaseEvent) -> str:
    """What happened, as the public may read it: the item and the step, and the words of a
    public reply or resolution, through `public_text`. A sensitive item is not named."""
    step = str(Action(event.action).label)
    if case.item.is_sensitive:
        return step
    text = f"{case.item.name}：{step}"
    if event.public and event.note:
        text += f"：{event.note}"
    return public_text(text)


@transaction.atomic
def deliveries_replay(*, messages, now=None) -> int:
    """Send these deliveries again, as they were (same body, same event id), with a fresh
    round of attempts; a later message of the same case waits for them."""
    return (
        OutboxMessage.objects.filter(pk__in=[m.pk for m in messages], channel=CHANNEL)
        .exclude(state=OutboxMessage.State.PENDING)
        .update(
            state=OutboxMessage.State.PENDING,
            attempts=0,
            next_attempt_at=now or timezone.now(),
            sent_at=None,
        )
    )
