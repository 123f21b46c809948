"""Who hears about a case event.

A new event writes one outbox row in its own transaction (`notify_events`: the request does no
more); the worker fans it out (`fan_out`): each recipient gets an in-app `Notification` and an
`OutboxMessage` to deliver, and the apps above hear of it (`hooks.CASE_EVENTS`, and
`hooks.CASE_FILED` for intake). So a crash between commit and sending loses nothing, and the
events of one case fan out in their order. Every outbox row of the platform is made by
`outbox_message` and written by `outbox_write` (a test keeps it so).
"""

import logging
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from cases import hooks
from cases.models import Action, Case, CaseEvent, Notification, OutboxMessage, Participant
from orgs.models import StaffMembership, WeChatNotice
from orgs.roles import Role
from orgs.selectors import users_taking_wechat

logger = logging.getLogger("hgj.notify")

FAN_OUT = "fanout"  # the outbox channel of an event still to fan out (`cases.worker`)

COMPANY_DESK_ROLES = (Role.PROPERTY_MANAGER, Role.PROPERTY_STAFF)

# Which side hears of each action besides the resident (public events reach the resident).
STAFF_AUDIENCE = {
    Action.SUBMIT: "participants",
    Action.TRANSFER: "lead",
    Action.RULE_RETURN: "lead",
    Action.RETURN: "back_office",
    Action.WHISTLE: "participants",
    Action.EXTENSION_REQUEST: "approvers",
    Action.EXTENSION_APPROVE: "lead",
    Action.EXTENSION_REJECT: "lead",
    Action.SUPERVISE: "lead",
    Action.ESCALATE: "owner",
    Action.RESIDENT_REPLY: "lead",
    Action.RATE: "back_office",
    Action.REOPEN: "lead",
    Action.MERGED_IN: "lead",
    Action.NEIGHBOUR_RATE: "back_office",
}


# Public events a resident sees in the timeline but is not messaged about.
QUIET_FOR_RESIDENTS = {Action.RESIDENT_REPLY, Action.RATE, Action.REVEAL_CONTACT}


# Who hears of an event is a list of audiences, each resolved against staff memberships:
# ("unit", org_unit_id) its staff (not partners), ("desk", company_id) the company's desk,
# ("office", community_id) the community back office, ("manager", company_id) the company's
# managers, ("user", user_id) one person.
AUDIENCE_ROLES = {
    "desk": COMPANY_DESK_ROLES,
    "office": (Role.COMMUNITY_STAFF, Role.COMMUNITY_SECRETARY),
    "manager": (Role.PROPERTY_MANAGER,),
}


def _sides(participants, *, lead_only: bool) -> list[tuple[str, int]]:
    """The audiences of a case's active participants (or only of its lead)."""
    found = []
    for role, unit_id, kind, parent_id, company_id in participants:
        if lead_only and role != Participant.Role.LEAD:
            continue
        if company_id:
            found.append(("desk", company_id))
        else:
            found.append(("unit", unit_id))
            if kind == "microgrid" and parent_id:
                found.append(("unit", parent_id))  # the grid worker hears of micro-grid cases
    return found


def _audiences(case: Case, event: CaseEvent, participants) -> list[tuple[str, int]]:
    audience = STAFF_AUDIENCE.get(event.action)
    if event.action == Action.ASSIGN:
        # The one it named: the case may have been assigned again before the fan-out.
        assignee = event.data.get("assignee") or case.assignee_id
        return [("user", assignee)] if assignee else []
    if audience in ("participants", "lead"):
        return _sides(participants, lead_only=audience == "lead")
    if audience == "owner":
        return [("unit", case.owner_unit_id), *_sides(participants, lead_only=True)]
    if audience == "back_office":
        return [("office", case.estate.community_id)]
    if audience == "approvers":
        managers = [("manager", case.company_id)] if case.company_id else []
        return [("office", case.estate.community_id), *managers]
    return []


def _may_read(event: CaseEvent, audience: tuple[str, int]) -> bool:
    """A community-only note reaches only the community side: no company desk or manager,
    and no single person (who may be a technician or a partner)."""
    return not event.community_only or audience[0] in ("unit", "office")


def _read_staff(wanted: set[tuple[str, int]]) -> dict[tuple[str, int], list[int]]:
    units = {key for kind, key in wanted if kind in ("unit", "office")}
    companies = {key for kind, key in wanted if kind in ("desk", "manager")}
    found = {audience: [] for audience in wanted}
    if units or companies:
        memberships = StaffMembership.objects.filter(
            Q(org_unit_id__in=units) | Q(company_id__in=companies),
            is_active=True,
            user__is_active=True,
        ).values_list("user_id", "org_unit_id", "company_id", "role")
        for user_id, unit_id, company_id, role in memberships:
            for kind in ("unit", "office", "desk", "manager"):
                key = company_id if kind in ("desk", "manager") else unit_id
                if (kind, key) not in found:
                    continue
                if kind == "unit" and role == Role.PARTNER:
                    continue
                if kind in AUDIENCE_ROLES and role not in AUDIENCE_ROLES[kind]:
                    continue
                found[kind, key].append(user_id)
    for kind, key in wanted:
        if kind == "user":
            found[kind, key].append(key)
    return found


def _text(case: Case, event: CaseEvent) -> str:
    return _("%(tracking)s %(item)s: %(action)s") % {
        "tracking": case.tracking_no,
        "item": case.item.name,
        "action": Action(event.action).label,  # not get_action_display(): slow
    }


def _sms_text(case: Case, event: CaseEvent, text: str) -> str:
    """A resident's text message: a resolution carries a short link straight to rating (when
    the platform knows its public address, `SITE_URL`)."""
    if event.action != Action.RESOLVE or not settings.SITE_URL:
        return text
    link = settings.SITE_URL.rstrip("/") + reverse("cases:rate_link", args=[case.tracking_no])
    return _("%(text)s. Please rate it: %(link)s") % {"text": text, "link": link}


def _resident_page(case: Case, event: CaseEvent) -> str:
    """Where a resident's WeChat notice leads: the rating of a resolved case, else its page."""
    if event.action == Action.RESOLVE:
        return reverse("cases:rate_link", args=[case.tracking_no])
    return reverse("cases:mine_detail", args=[case.tracking_no])


def _residents(case: Case, event: CaseEvent) -> dict[int | None, str]:
    """The residents told of a public event (user id or None → mobile)."""
    if not event.public or event.action in QUIET_FOR_RESIDENTS:
        return {}
    residents = [(case.resident.user_id, case.resident.mobile)] if case.resident_id else []
    if case.duplicate_count:
        residents += case.duplicates.filter(resident__isnull=False).values_list(
            "resident__user_id", "resident__mobile"
        )
    if case.neighbour_count:
        residents += case.neighbours.values_list("resident__user_id", "resident__mobile")
    return {
        user_id: mobile
        for user_id, mobile in residents
        # Nobody is told what they did themselves, but intake is confirmed.
        if not (user_id == event.actor_id and event.action != Action.SUBMIT)
    }


def notify_event(case: Case, event: CaseEvent) -> int:
    return notify_events([(case, event)])


def notify_events(pairs: list[tuple[Case, CaseEvent]]) -> int:
    """Queue the fan-out of new events: one outbox row each, written in their transaction
    (one case's rows in one queue, so they fan out in order). Returns how many."""
    return outbox_write(
        [
            outbox_message(
                channel=FAN_OUT,
                recipient=str(event.pk),
                body=case.tracking_no,
                at=event.at,
                queue=f"c{case.pk}",
            )
            for case, event in pairs
        ]
    )


def fan_out(pairs: list[tuple[Case, CaseEvent]]) -> int:
    """Everyone the events concern gets a notification and an outbox message, and the apps
    above hear of them; with a fixed number of queries. Returns how many messages."""
    case_ids = {case.pk for case, event in pairs if STAFF_AUDIENCE.get(event.action)}
    participants = defaultdict(list)
    if case_ids:
        rows = Participant.objects.filter(case_id__in=case_ids, is_active=True).values_list(
            "case_id", "role", "org_unit_id", "org_unit__kind", "org_unit__parent_id", "company_id"
        )
        for case_id, *row in rows:
            participants[case_id].append(row)
    audiences = [
        [a for a in _audiences(case, event, participants[case.pk]) if _may_read(event, a)]
        for case, event in pairs
    ]
    staff = _read_staff({a for found in audiences for a in found})

    told = [_residents(case, event) for case, event in pairs]
    by_wechat = users_taking_wechat(
        user_ids={user_id for found in told for user_id in found if user_id},
        kind=WeChatNotice.CASE,
    )

    notifications, messages = [], []
    for (case, event), found, sms_to in zip(pairs, audiences, told, strict=True):
        channel = {
            user_id: settings.STAFF_NOTIFICATION_CHANNEL
            for audience in found
            for user_id in staff[audience]
            if user_id != event.actor_id
        }
        channel.update(
            (user_id, "wechat" if user_id in by_wechat else "sms") for user_id in sms_to if user_id
        )
        if not channel and not sms_to:
            continue
        text = _text(case, event)
        sms = _sms_text(case, event, text)
        for user_id, via in channel.items():
            notification = Notification(
                user_id=user_id, case=case, event=event, text=text, created_at=event.at
            )
            notifications.append(notification)
            resident = user_id in sms_to
            messages.append(
                outbox_message(
                    channel=via,
                    recipient=sms_to[user_id] if via == "sms" else str(user_id),
                    body=sms if resident else text,
                    at=event.at,
                    notification=notification,
                    link=_resident_page(case, event) if via == "wechat" and resident else "",
                )
            )
        # A resident without an account yet still gets the text message.
        if sms_to.get(None):
            messages.append(
                outbox_message(channel="sms", recipient=sms_to[None], body=sms, at=event.at)
            )
    for hook in hooks.CASE_EVENTS:
        hook(pairs=pairs)
    _tell_filed([case for case, event in pairs if event.action == Action.SUBMIT])
    return outbox_write(messages, notifications=notifications)


def _tell_filed(cases: list[Case]) -> None:
    """The apps above hear of the new cases (`hooks.CASE_FILED`; triage records its
    suggestions), each in a savepoint, so that whatever one of them does wrong is undone and
    never holds the rest of the fan-out."""
    if not cases:
        return
    for hook in hooks.CASE_FILED:
        try:
            with transaction.atomic():
                hook(cases=cases)
        except Exception:
            numbers = ", ".join(case.tracking_no for case in cases)
            logger.exception("%s failed for %s", hook.__qualname__, numbers)


def outbox_message(
    *,
    recipient: str,
    body: str,
    at,
    channel: str = "",
    notification=None,
    queue: str = "",
    link: str = "",
) -> OutboxMessage:
    """An outbox row, not yet written, due at once: on the staff channel unless another is
    named, carrying its in-app `notification` if there is one and the `link` to the page it
    concerns. Messages of one `queue` are delivered one at a time, in the order they were
    written (`OutboxMessage.queue`)."""
    return OutboxMessage(
        link=link,
        channel=channel or settings.STAFF_NOTIFICATION_CHANNEL,
        recipient=recipient,
        notification=notification,
        body=body,
        created_at=at,
        next_attempt_at=at,
        queue=queue,
    )


def outbox_write(messages: list[OutboxMessage], *, notifications=()) -> int:
    """The one place outbox rows are written, with the in-app notifications they carry (first,
    so that the messages take their ids). Call inside the transaction of what they tell, so a
    crash loses neither. Returns how many messages were written."""
    Notification.objects.bulk_create(notifications, batch_size=500)
    OutboxMessage.objects.bulk_create(messages, batch_size=500)
    return len(messages)


def notify_people(*, users=(), mobiles=(), text: str, link: str = "", kind: str = "", now) -> int:
    """Tell people about something that is not a case event (e.g. an activity place).

    Each user gets an in-app `Notification` (pointing at `link`) and an `OutboxMessage`: to a
    resident a text message to their mobile, or a WeChat message if they take notices of this
    `kind` (`WeChatNotice`) by WeChat; the staff channel to others. `mobiles` are people
    without an account, who get the text message only. Call inside the transaction of the
    event, like `notify_event`."""
    from residents.models import Resident

    text = text[:300]
    users = {u.pk: u for u in users if u is not None}
    mobile_of = dict(Resident.objects.filter(user_id__in=users).values_list("user_id", "mobile"))
    by_wechat = users_taking_wechat(user_ids=set(mobile_of), kind=kind) if kind else set()
    notifications = [
        Notification(user_id=user_id, text=text, link=link, created_at=now)
        for user_id in sorted(users)
    ]

    def message(n: Notification) -> OutboxMessage:
        if n.user_id in by_wechat:
            return outbox_message(
                channel="wechat",
                recipient=str(n.user_id),
                body=text,
                at=now,
                notification=n,
                link=link,
            )
        mobile = mobile_of.get(n.user_id)
        return outbox_message(
            channel="sms" if mobile else "",
            recipient=mobile or str(n.user_id),
            body=text,
            at=now,
            notification=n,
        )

    messages = [message(n) for n in notifications]
    known = set(mobile_of.values())
    messages += [
        outbox_message(channel="sms", recipient=mobile, body=text, at=now)
        for mobile in sorted(set(mobiles) - known)
        if mobile
    ]
    return outbox_write(messages, notifications=notifications)
