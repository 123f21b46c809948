"""Who hears about a case event, written in the same transaction as the event.

Each recipient gets an in-app `Notification` and an `OutboxMessage` that the worker delivers
later, so a crash between commit and sending loses nothing.
"""

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from cases.models import Action, Case, CaseEvent, Notification, OutboxMessage, Participant
from orgs.roles import Role

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
}


# Public events a resident sees in the timeline but is not messaged about.
QUIET_FOR_RESIDENTS = {Action.RESIDENT_REPLY, Action.RATE, Action.REVEAL_CONTACT}


def _unit_staff(unit_ids) -> Q:
    return Q(memberships__org_unit_id__in=unit_ids, memberships__is_active=True) & ~Q(
        memberships__role=Role.PARTNER
    )


def _company_desk(company_ids) -> Q:
    return Q(
        memberships__company_id__in=company_ids,
        memberships__is_active=True,
        memberships__role__in=COMPANY_DESK_ROLES,
    )


def _side_q(case: Case, *, lead_only: bool) -> Q:
    """Staff of the case's active participants (or only the lead's)."""
    participants = Participant.objects.filter(case=case, is_active=True)
    if lead_only:
        participants = participants.filter(role=Participant.Role.LEAD)
    units, companies = set(), set()
    for p in participants.select_related("org_unit"):
        if p.company_id:
            companies.add(p.company_id)
        else:
            units.add(p.org_unit_id)
            if p.org_unit.kind == "microgrid" and p.org_unit.parent_id:
                units.add(p.org_unit.parent_id)  # the grid worker hears of micro-grid cases
    return _unit_staff(units) | _company_desk(companies)


def _back_office_q(case: Case) -> Q:
    community = case.estate.community_id
    return Q(
        memberships__org_unit_id=community,
        memberships__is_active=True,
        memberships__role__in=(Role.COMMUNITY_STAFF, Role.COMMUNITY_SECRETARY),
    )


def _staff_q(case: Case, event: CaseEvent) -> Q | None:
    audience = STAFF_AUDIENCE.get(event.action)
    if event.action == Action.ASSIGN and case.assignee_id:
        return Q(pk=case.assignee_id)
    if audience == "participants":
        return _side_q(case, lead_only=False)
    if audience == "lead":
        return _side_q(case, lead_only=True)
    if audience == "back_office":
        return _back_office_q(case)
    if audience == "owner":
        return _unit_staff([case.owner_unit_id]) | _side_q(case, lead_only=True)
    if audience == "approvers":
        q = _back_office_q(case)
        if case.company_id:
            q |= Q(
                memberships__company_id=case.company_id,
                memberships__is_active=True,
                memberships__role=Role.PROPERTY_MANAGER,
            )
        return q
    return None


def _text(case: Case, event: CaseEvent) -> str:
    return _("%(tracking)s %(item)s: %(action)s") % {
        "tracking": case.tracking_no,
        "item": case.item.name,
        "action": event.get_action_display(),
    }


def notify_event(case: Case, event: CaseEvent) -> int:
    """Create notifications and outbox messages for everyone the event concerns."""
    from orgs.models import User

    now = event.at
    text = _text(case, event)
    recipients: dict[int, str] = {}
    staff_q = _staff_q(case, event)
    if staff_q is not None:
        staff = User.objects.filter(staff_q, is_active=True).exclude(pk=event.actor_id).distinct()
        for user_id in staff.values_list("pk", flat=True):
            recipients[user_id] = settings.STAFF_NOTIFICATION_CHANNEL
    sms_to = {}
    if event.public and event.action not in QUIET_FOR_RESIDENTS:
        residents = [case.resident] + [d.resident for d in case.duplicates.all()]
        for resident in filter(None, residents):
            if resident.user_id == event.actor_id and event.action != Action.SUBMIT:
                continue  # nobody is told what they did themselves, but intake is confirmed
            if resident.user_id:
                recipients[resident.user_id] = "sms"
            sms_to[resident.user_id] = resident.mobile
    notifications = Notification.objects.bulk_create(
        [
            Notification(user_id=user_id, case=case, event=event, text=text, created_at=now)
            for user_id in recipients
        ]
    )
    messages = [
        OutboxMessage(
            channel=recipients[n.user_id],
            notification=n,
            body=text,
            created_at=now,
            next_attempt_at=now,
            recipient=sms_to.get(n.user_id, "")
            if recipients[n.user_id] == "sms"
            else str(n.user_id),
        )
        for n in notifications
    ]
    # A resident without an account yet still gets the text message.
    messages += [
        OutboxMessage(
            channel="sms", recipient=mobile, body=text, created_at=now, next_attempt_at=now
        )
        for user_id, mobile in sms_to.items()
        if user_id is None and mobile
    ]
    OutboxMessage.objects.bulk_create(messages)
    return len(messages)


def notify_people(*, users=(), mobiles=(), text: str, link: str = "", now) -> int:
    """Tell people about something that is not a case event (e.g. an activity place).

    Each user gets an in-app `Notification` (pointing at `link`) and an `OutboxMessage`: a text
    message to their mobile if they are a resident, the staff channel otherwise. `mobiles` are
    people without an account, who get the text message only. Call inside the transaction of
    the event, like `notify_event`."""
    from residents.models import Resident

    text = text[:300]
    users = {u.pk: u for u in users if u is not None}
    mobile_of = dict(Resident.objects.filter(user_id__in=users).values_list("user_id", "mobile"))
    notifications = Notification.objects.bulk_create(
        [
            Notification(user_id=user_id, text=text, link=link, created_at=now)
            for user_id in sorted(users)
        ]
    )
    messages = [
        OutboxMessage(
            channel="sms" if mobile_of.get(n.user_id) else settings.STAFF_NOTIFICATION_CHANNEL,
            recipient=mobile_of.get(n.user_id) or str(n.user_id),
            notification=n,
            body=text,
            created_at=now,
            next_attempt_at=now,
        )
        for n in notifications
    ]
    known = set(mobile_of.values())
    messages += [
        OutboxMessage(
            channel="sms", recipient=mobile, body=text, created_at=now, next_attempt_at=now
        )
        for mobile in sorted(set(mobiles) - known)
        if mobile
    ]
    OutboxMessage.objects.bulk_create(messages)
    return len(messages)
