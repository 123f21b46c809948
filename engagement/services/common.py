"""What every engagement service shares: the error, area checks, notices."""

from datetime import datetime

from django.conf import settings
from django.utils import timezone, translation

from core.errors import ApplicationError, NotFound
from engagement.selectors import can_manage, staff_area


class EngagementError(ApplicationError):
    code = "invalid"
    status = 400


def refuse(message, code="invalid"):
    raise EngagementError(message, code=code)


def require_manage(user, community_id) -> None:
    if not can_manage(user) or not staff_area(user).filter(pk=community_id).exists():
        raise NotFound()


def require_in_area(user, community_id) -> None:
    if not staff_area(user).filter(pk=community_id).exists():
        raise NotFound()


def local_time(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def notify(users, text: str, now: datetime, *, link: str = "", mobiles=()) -> None:
    """In-app notification plus an outbox message (SMS to residents), like case events."""
    from cases.notify import notify_people

    notify_people(users=users, mobiles=mobiles, text=text, link=link, now=now)


def in_default_language(build):
    """Notices are read later by someone else: write them in the platform's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return build()
