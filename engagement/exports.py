"""Activity sign-ups in a resident's own download (`residents.hooks.DATA_SECTIONS`)."""

from django.utils.translation import gettext_lazy as _

from engagement.models import Signup
from residents.export import local
from residents.hooks import DataSection


def _rows(resident) -> list[dict]:
    signups = Signup.objects.filter(resident=resident).select_related("activity")
    return [
        {
            "activity": s.activity.title,
            "starts_at": local(s.activity.starts_at),
            "status": s.get_status_display(),
            "as_volunteer": str(_("yes") if s.as_volunteer else _("no")),
            "signed_up_at": local(s.created_at),
            "checked_in_at": local(s.checked_in_at),
            "volunteer_minutes": s.approved_minutes if s.as_volunteer else 0,
        }
        for s in signups.order_by("created_at", "id")
    ]


SECTION = DataSection(
    _("Activity sign-ups"),
    _rows,
    {
        "activity": _("Activity"),
        "starts_at": _("Starts at"),
        "status": _("Status"),
        "as_volunteer": _("As a volunteer"),
        "signed_up_at": _("Signed up at"),
        "checked_in_at": _("Checked in at"),
        "volunteer_minutes": _("Volunteer minutes"),
    },
)
