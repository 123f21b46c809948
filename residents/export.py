"""A resident's own data, as a file they download (PIPL Art. 45): JSON for machines, and a
workbook to read. Residents' own parts are read here; cases, sign-ups and care add theirs
through `residents.hooks.DATA_SECTIONS`."""

import json
import re
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from residents import hooks, rules
from residents.models import Resident
from residents.selectors import access_log_of, consents_of, rights_requests_of


def local(moment) -> str:
    """A moment as the resident reads it: Beijing time to the minute."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _own_sections() -> dict[str, hooks.DataSection]:
    return {
        "households": _households_section(),
        "consents": _consents_section(),
        "access_log": _access_log_section(),
        "requests": _requests_section(),
    }


def _households_section() -> hooks.DataSection:
    return hooks.DataSection(
        _("My households"),
        lambda r: [
            {
                "estate": t.household.unit.building.estate.name,
                "building": t.household.unit.building.name,
                "unit": t.household.unit.name,
                "number": t.household.number,
                "relation": t.get_relation_display(),
            }
            for t in r.ties.select_related("household__unit__building__estate")
        ],
        {
            "estate": _("Estate"),
            "building": _("Building"),
            "unit": _("Unit"),
            "number": _("Door number"),
            "relation": _("Relation"),
        },
    )


def _consents_section() -> hooks.DataSection:
    return hooks.DataSection(
        _("Separate consents"),
        lambda r: [
            {
                "purpose": c.get_purpose_display(),
                "rules_version": c.rules_version,
                "given_by": c.get_given_by_display(),
                "guardian": c.guardian_name,
                "given_at": local(c.given_at),
                "recorded_by": str(c.recorded_by or ""),
                "withdrawn_at": local(c.withdrawn_at),
                "withdrawal_note": c.withdrawal_note,
            }
            for c in consents_of(r)
        ],
        {
            "purpose": _("For"),
            "rules_version": _("Rules version"),
            "given_by": _("Given by"),
            "guardian": _("Guardian"),
            "given_at": _("Given at"),
            "recorded_by": _("Recorded by"),
            "withdrawn_at": _("Withdrawn at"),
            "withdrawal_note": _("Withdrawal note"),
        },
    )


def _access_log_section() -> hooks.DataSection:
    return hooks.DataSection(
        _("Who saw my data"),
        lambda r: [
            {
                "at": local(a.at),
                "by": str(a.actor),
                "unit_or_company": a.actor_org,
                "where": a.get_context_display(),
                "record": a.context_label,
                "what": "、".join(a.field_labels()),
            }
            for a in access_log_of(r)
        ],
        {
            "at": _("When"),
            "by": _("Who"),
            "unit_or_company": _("Unit or company"),
            "where": _("Where"),
            "record": _("Record"),
            "what": _("What"),
        },
    )


def _requests_section() -> hooks.DataSection:
    return hooks.DataSection(
        _("Correction and deletion requests"),
        lambda r: [
            {
                "kind": q.get_kind_display(),
                "text": q.text,
                "submitted_at": local(q.submitted_at),
                "due_at": local(q.due_at),
                "state": q.get_state_display(),
                "answered_at": local(q.answered_at),
                "answered_by": str(q.answered_by or ""),
                "answer": q.answer,
            }
            for q in rights_requests_of(r)
        ],
        {
            "kind": _("Request"),
            "text": _("What I asked"),
            "submitted_at": _("Submitted at"),
            "due_at": _("Answer by"),
            "state": _("State"),
            "answered_at": _("Answered at"),
            "answered_by": _("Answered by"),
            "answer": _("Answer"),
        },
    )


PROFILE_LABELS = {
    "name": _("Name"),
    "mobile": _("Mobile"),
    "id_number": _("ID number"),
    "gender": _("Gender"),
    "birth_date": _("Birth date"),
    "tags": _("Tags"),
    "consent_at": _("Agreed to the personal data rules at"),
    "consent_version": _("Rules version agreed to"),
    "created_at": _("Registered at"),
}


def _sections() -> dict[str, hooks.DataSection]:
    return {**_own_sections(), **hooks.DATA_SECTIONS}


def resident_data(resident: Resident) -> dict:
    """Everything the platform holds about the resident that is theirs to see."""
    profile = {
        "name": resident.name,
        "mobile": resident.mobile,
        "id_number": resident.id_number or "",
        "gender": resident.get_gender_display(),
        "birth_date": resident.birth_date.isoformat() if resident.birth_date else "",
        "tags": "、".join(t.name for t in resident.tags.all()),
        "consent_at": local(resident.consent_at),
        "consent_version": resident.consent_version,
        "created_at": local(resident.created_at),
    }
    data = {
        "exported_at": local(timezone.now()),
        "rules_version": rules.CURRENT.version,
        "profile": profile,
    }
    for name, section in _sections().items():
        data[name] = section.rows(resident)
    return data


def as_json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


def _sheet_title(title: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", title)[:31]


def as_workbook(data: dict) -> bytes:
    """One sheet per section; a list inside a row (a case's timeline) gets a sheet of its own,
    each of its rows starting with the value that names its parent row."""
    workbook = Workbook()
    profile = workbook.active
    profile.title = _sheet_title(_("My details"))
    for key, value in data["profile"].items():
        profile.append([str(PROFILE_LABELS.get(key, key)), value])
    profile.append([_("Exported at"), data["exported_at"]])
    for name, section in _sections().items():
        rows, labels = data.get(name, []), section.labels
        keys = list(rows[0]) if rows else list(labels)
        nested = [k for k in keys if rows and isinstance(rows[0][k], list)]
        scalar = [k for k in keys if k not in nested]
        _table(workbook, str(section.title), labels, scalar, rows)
        for key in nested:
            inner = [{scalar[0]: row[scalar[0]], **item} for row in rows for item in row[key]]
            columns = list(inner[0]) if inner else [scalar[0]]
            _table(workbook, f"{section.title} · {labels.get(key, key)}", labels, columns, inner)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def _table(workbook, title: str, labels: dict, keys: list, rows: list[dict]) -> None:
    sheet = workbook.create_sheet(_sheet_title(title))
    sheet.append([str(labels.get(k, k)) for k in keys])
    for row in rows:
        sheet.append([row.get(k, "") for k in keys])
