"""The worker's sweep of reminders, a day before an activity starts."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from engagement.models import Signup
from engagement.services.common import local_time, tell_signed_up

REMINDER_AHEAD = timedelta(hours=24)


def reminders_send(*, now=None) -> int:
    """The worker's sweep: remind everyone with a confirmed place a day before the start."""
    now = now or timezone.now()
    due = (
        Signup.objects.filter(
            status=Signup.Status.CONFIRMED,
            reminded_at__isnull=True,
            activity__cancelled_at__isnull=True,
            activity__starts_at__gt=now,
            activity__starts_at__lte=now + REMINDER_AHEAD,
        )
        .select_related("activity__venue", "resident__user", "signed_up_by")
        .order_by("id")[:500]
    )
    sent = 0
    for signup in due:
        with transaction.atomic():
            if not Signup.objects.filter(pk=signup.pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                continue
            activity = signup.activity
            tell_signed_up(
                [signup],
                lambda s=signup, a=activity: (
                    _("Reminder: “%(title)s” for %(name)s, %(when)s at %(venue)s. Code: %(code)s.")
                    % {
                        "title": a.title,
                        "name": s.resident,
                        "when": local_time(a.starts_at),
                        "venue": a.venue.name,
                        "code": s.code,
                    }
                ),
                now,
                activity,
            )
            sent += 1
    return sent
