"""The care record in a resident's own download (`residents.hooks.DATA_SECTIONS`)."""

from django.utils.translation import gettext_lazy as _

from care.models import CareRecipient
from care.questionnaire import answer_rows
from residents.export import local
from residents.hooks import DataSection


def _rows(resident) -> list[dict]:
    recipient = CareRecipient.objects.filter(resident=resident).first()
    if recipient is None:
        return []
    return [
        {
            "enrolled_at": local(recipient.enrolled_at),
            "in_care": str(_("yes") if recipient.is_active else _("no")),
            "left_at": local(recipient.left_at),
            "risk_level": recipient.get_risk_level_display(),
            "assessments": [
                {
                    "assessed_at": local(a.assessed_at),
                    "risk_level": a.get_risk_level_display(),
                    "answers": "；".join(
                        f"{r['question']}：{r['answer']}" for r in answer_rows(a.answers)
                    ),
                    "notes": a.notes,
                }
                for a in recipient.assessments.order_by("assessed_at", "id")
            ],
            "visits": [
                {
                    "visited_at": local(v.visited_at),
                    "kind": v.get_kind_display(),
                    "wellbeing": v.get_wellbeing_display(),
                    "findings": v.findings,
                }
                for v in recipient.visits.order_by("visited_at", "id")
            ],
        }
    ]


SECTION = DataSection(
    _("Care"),
    _rows,
    {
        "enrolled_at": _("Enrolled at"),
        "in_care": _("In care"),
        "left_at": _("Left care at"),
        "risk_level": _("Risk level"),
        "assessments": _("Assessments"),
        "assessed_at": _("Assessed at"),
        "answers": _("Answers"),
        "notes": _("Notes"),
        "visits": _("Visits"),
        "visited_at": _("Visited at"),
        "kind": _("How"),
        "wellbeing": _("How they are"),
        "findings": _("Findings"),
    },
)
