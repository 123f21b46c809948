"""A resident's cases, with their public timelines, in their own download
(`residents.hooks.DATA_SECTIONS`)."""

from django.utils.translation import gettext_lazy as _

from cases.models import Case
from cases.selectors import timeline
from residents.export import local
from residents.hooks import DataSection


def _place(case: Case) -> str:
    parts = [case.estate.name, case.building and case.building.name]
    if case.household_id:
        parts += [case.household.unit.name, case.household.number]
    return " ".join(p for p in [*parts, case.location_text] if p)


def _rows(resident) -> list[dict]:
    cases = Case.objects.filter(resident=resident).select_related(
        "item", "estate", "building", "household__unit"
    )
    return [
        {
            "tracking_no": case.tracking_no,
            "submitted_at": local(case.created_at),
            "item": case.item.name,
            "status": case.get_status_display(),
            "place": _place(case),
            "description": case.description,
            "contact": f"{case.contact_name} {case.contact_mobile}".strip(),
            "rating": case.get_rating_display(),
            "rating_comment": case.rating_comment,
            "external_no": case.external_no,
            "timeline": [
                {
                    "at": local(e.at),
                    "by": e.get_party_display(),
                    "action": e.get_action_display(),
                    "note": e.note,
                }
                for e in timeline(case=case, public_only=True)
            ],
        }
        for case in cases.order_by("created_at", "id")
    ]


SECTION = DataSection(
    _("Cases"),
    _rows,
    {
        "tracking_no": _("Tracking number"),
        "submitted_at": _("Submitted at"),
        "item": _("Item"),
        "status": _("Status"),
        "place": _("Place"),
        "description": _("Description"),
        "contact": _("Contact"),
        "rating": _("Rating"),
        "rating_comment": _("Rating comment"),
        "external_no": _("External number"),
        "timeline": _("Timeline"),
        "at": _("When"),
        "by": _("By"),
        "action": _("What happened"),
        "note": _("Note"),
    },
)
