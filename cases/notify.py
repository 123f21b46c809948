"""Who hears about a case event, written in the same transaction as the event.

Each recipient gets an in-app `Notification` and an `OutboxMessage` that the worker delivers
later, so a crash between commit and sending loses nothing.
"""

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from cases.models import Action, Case, CaseEvent, Notification, OutboxMessage, Participant
from orgs.models import StaffMembership
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
    return Q(org_unit_id__in=unit_ids) & ~Q(role=Role.PARTNER)


def _company_desk(company_ids) -> Q:
    return Q(company_id__in=company_ids, role__in=COMPANY_DESK_ROLES)


def _side_q(case: Case, *, lead_only: bool) -> Q:
    """Staff of the case's active participants (or only the lead's)."""
    participants = Participant.objects.filter(case=case, is_active=True)
    if lead_only:
        participants = participants.filter(role=Participant.Role.LEAD)
    units, companies = set(), set()
    for company_id, unit_id, kind, parent_id in participants.values_list(
        "company_id", "org_unit_id", "org_unit__kind", "org_unit__parent_id"
    ):
        if company_id:
            companies.add(company_id)
        else:
            units.add(unit_id)
            if kind == "microgrid" and parent_id:
                units.add(parent_id)  # the grid worker hears of micro-grid cases
    return _unit_staff(units) | _company_desk(companies)


def _back_office_q(case: Case) -> Q:
    return Q(
        org_unit_id=case.estate.community_id,
        role__in=(Role.COMMUNITY_STAFF, Role.COMMUNITY_SECRETARY),
    )


def _staff_q(case: Case, event: CaseEvent) -> Q | None:
    """Which staff memberships hear of the event."""
    audience = STAFF_AUDIENCE.get(event.action)
    if event.action == Action.ASSIGN and case.assignee_id:
        return Q(user_id=case.assignee_id)
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
            q |= Q(company_id=case.company_id, role=Role.PROPERTY_MANAGER)
        return q
    return None


def _text(case: Case, event: CaseEvent) -> str:
    return _("%(tracking)s %(item)s: %(action)s") % {
        "tracking": case.tracking_no,
        "item": case.item.name,
        "action": Action(event.action).label,  # not get_action_display(): slow
    }


def notify_event(case: Case, event: CaseEvent) -> int:
    """Create notifications and outbox messages for everyone the event concerns."""
    now = event.at
    text = _text(case, event)
    recipients: dict[int, str] = {}
    staff_q = _staff_q(case, event)
    if staff_q is not None:
        staff = StaffMembership.objects.filter(staff_q, is_active=True, user__is_active=True)
        for user_id in staff.values_list("user_id", flat=True):
            if user_id != event.actor_id:
                recipients[user_id] = settings.STAFF_NOTIFICATION_CHANNEL
    sms_to = {}
    if event.public and event.action not in QUIET_FOR_RESIDENTS:
        residents = [(case.resident.user_id, case.resident.mobile)] if case.resident_id else []
        if case.duplicate_count:
            residents += case.duplicates.filter(resident__isnull=False).values_list(
                "resident__user_id", "resident__mobile"
            )
        for user_id, mobile in residents:
            if user_id == event.actor_id and event.action != Action.SUBMIT:
                continue  # nobody is told what they did themselves, but intake is confirmed
            if user_id:
                recipients[user_id] = "sms"
            sms_to[user_id] = mobile
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
