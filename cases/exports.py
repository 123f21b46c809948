"""A resident's cases, with their public timelines, and the neighbours' cases they joined, in
their own download (`residents.hooks.DATA_SECTIONS`)."""

from django.utils.translation import gettext_lazy as _

from cases.models import Case, CaseNeighbour
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


def _joined_rows(resident) -> list[dict]:
    """The neighbours' cases they said "me too" on: what they may read of them, and their
    own rating."""
    rows = CaseNeighbour.objects.filter(resident=resident).select_related(
        "case__item", "case__estate", "case__building"
    )
    return [
        {
            "tracking_no": n.case.tracking_no,
            "joined_at": local(n.joined_at),
            "item": n.case.item.name,
            "status": n.case.get_status_display(),
            "place": " ".join(
                p for p in [n.case.estate.name, n.case.building and n.case.building.name] if p
            ),
            "rating": n.get_rating_display(),
            "rating_comment": n.rating_comment,
        }
        for n in rows
    ]


JOINED_SECTION = DataSection(
    _("Neighbours' cases joined"),
    _joined_rows,
    {
        "tracking_no": _("Tracking number"),
        "joined_at": _("Joined at"),
        "item": _("Item"),
        "status": _("Status"),
        "place": _("Place"),
        "rating": _("Rating"),
        "rating_comment": _("Rating comment"),
    },
)
