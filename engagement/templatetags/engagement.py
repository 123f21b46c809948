from django import template

from engagement.selectors import minutes_as_hours

register = template.Library()


@register.filter
def hours(minutes) -> str:
    """Minutes shown as hours with one decimal: 90 → 1.5."""
    return str(minutes_as_hours(minutes or 0))


STATUS_CLASSES = {"confirmed": "success", "waitlisted": "warning", "cancelled": "secondary"}
TOPIC_CLASSES = {"proposed": "primary", "scheduled": "info", "decided": "success"}


@register.filter
def signup_class(status: str) -> str:
    return STATUS_CLASSES.get(status, "secondary")


@register.filter
def topic_class(status: str) -> str:
    return TOPIC_CLASSES.get(status, "secondary")
