"""What every engagement service shares: the error, area checks, notices."""

from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from core.errors import ApplicationError, NotFound
from engagement.selectors import can_manage, staff_area
from orgs.models import WeChatNotice


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
    """In-app notification plus an outbox message (SMS to residents, or WeChat to those who
    take activity notices by WeChat), like case events."""
    from cases.notify import notify_people

    notify_people(
        users=users, mobiles=mobiles, text=text, link=link, kind=WeChatNotice.ACTIVITY, now=now
    )


def in_default_language(build):
    """Notices are read later by someone else: write them in the platform's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return build()


def _people(signups) -> tuple[list, list]:
    """Whom to tell about sign-ups: the accounts involved, and mobiles of those without one."""
    users, mobiles = {}, set()
    for signup in signups:
        for user in (signup.signed_up_by, signup.resident.user):
            if user is not None:
                users[user.pk] = user
        if signup.resident.user_id is None and signup.resident.mobile:
            mobiles.add(signup.resident.mobile)
    return list(users.values()), sorted(mobiles)


def tell_signed_up(signups, build_text, now, activity) -> None:
    """Tell everyone of these sign-ups (and who signed them up) about their activity."""
    users, mobiles = _people(signups)
    if users or mobiles:
        notify(
            users,
            in_default_language(build_text),
            now,
            link=reverse("engagement:activity", args=[activity.pk]),
            mobiles=mobiles,
        )
