from django import template
from django.utils import timezone

from cases.models import OPEN_STATUSES, Action, RatingTag, ReturnReason, Status

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
def return_reason(event) -> str:
    """The label of a return's reason, which its event keeps as a code."""
    reason = event.data.get("reason")
    return ReturnReason(reason).label if reason in ReturnReason.values else ""


@register.filter
def latest_return(events):
    """The latest return in a timeline the page has already read."""
    return next((e for e in reversed(list(events)) if e.action == Action.RETURN), None)
