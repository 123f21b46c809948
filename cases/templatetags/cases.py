from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.clocks import RECOMPUTED
from cases.models import OPEN_STATUSES, Action, Case, Party, RatingTag, ReturnReason, Status
from catalog.models import Item
from orgs.models import User

register = template.Library()

STATUS_CLASSES = {
    Status.SUBMITTED: "primary",
    Status.ACCEPTED: "info",
    Status.IN_PROGRESS: "info",
    Status.RETURNED: "warning",
    Status.RESOLVED: "success",
    Status.REOPENED: "danger",
    Status.CLOSED: "secondary",
    Status.MERGED: "secondary",
}


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASSES.get(status, "secondary")


@register.filter
def overdue(case) -> bool:
    """Past its resolution deadline, or not yet accepted past its response deadline."""
    if case.status not in OPEN_STATUSES:
        return False
    now = timezone.now()
    late_response = case.accepted_at is None and case.response_due and case.response_due <= now
    return bool(case.resolution_due <= now or late_response)


@register.filter
def rating_tags(case) -> list[str]:
    """The labels of what the resident ticked with their latest rating."""
    event = case.events.filter(action=Action.RATE).order_by("-at", "-pk").first()
    codes = event.data.get("tags", []) if event else []
    return [RatingTag(code).label for code in codes if code in RatingTag.values]


@register.filter
def awaiting_neighbour_rating(neighbour, case) -> bool:
    return neighbour.awaiting_rating(case)


@register.filter
def return_reason(event) -> str:
    """The label of a return's reason, which its event keeps as a code."""
    reason = event.data.get("reason")
    return ReturnReason(reason).label if reason in ReturnReason.values else ""


@register.filter
def latest_return(events):
    """The latest return in a timeline the page has already read."""
    return next((e for e in reversed(list(events)) if e.action == Action.RETURN), None)


MISSED = {
    "response": gettext_lazy("response deadline passed"),
    "resolution": gettext_lazy("resolution deadline passed"),
}


@register.filter
def event_note(event) -> str:
    """The event's note in the reader's language. What the system wrote (an assignment, a
    merge, an item correction, an escalation, recomputed clocks) is said again from the
    event's data, so a reader in English does not read the Chinese it was written in; what
    a person wrote, and events older than their data, show the note as stored."""
    data = event.data or {}
    if event.action == Action.ASSIGN and data.get("assignee"):
        assignee = User.objects.filter(pk=data["assignee"]).first()
        return str(assignee) if assignee else event.note
    if event.action in (Action.MERGE, Action.MERGED_IN):
        other = data.get("into") or data.get("duplicate")
        tracking = Case.objects.filter(pk=other).values_list("tracking_no", flat=True).first()
        return tracking or event.note
    if event.action == Action.RECLASSIFY and {"from", "to"} <= data.keys():
        items = {i.code: i for i in Item.objects.filter(code__in=[data["from"], data["to"]])}
        old, new = items.get(data["from"]), items.get(data["to"])
        if old and new and event.note in ("", f"{old.name} → {new.name}"):
            return _("%(old)s → %(new)s") % {"old": old.label, "new": new.label}
        return event.note
    if event.action == Action.ESCALATE and data.get("missed") in MISSED:
        missed = str(MISSED[data["missed"]])
        if data.get("top"):
            return missed
        if event.unit:
            return _("to %(unit)s (%(missed)s)") % {"unit": event.unit.name, "missed": missed}
        return event.note
    if event.party == Party.SYSTEM and data.get("recomputed") in RECOMPUTED:
        return str(RECOMPUTED[data["recomputed"]])
    return event.note
