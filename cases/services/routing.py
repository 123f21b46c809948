"""Routing: who leads a case. Transfer, return for a ruling and the ruling, calling other
units in (吹哨); a new lead's response clock starts again."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import (
    Action,
    Case,
    CaseEvent,
    Participant,
    Party,
    ReturnReason,
)
from cases.services.guard import _guard, _refuse
from cases.services.transition import _transition
from catalog.selectors import (
    deadline_compute,
)
from orgs.models import OrgUnit, PropertyCompany


def _restart_response_clock(case: Case, now) -> dict:
    provisional = case.deadlines_provisional
    if case.sla.response_amount:
        deadline = deadline_compute(
            start=now, amount=case.sla.response_amount, unit=case.sla.response_unit
        )
        due, provisional = deadline.at, provisional or deadline.provisional
    else:
        due = case.resolution_due
    return {
        "response_due": due,
        "next_escalation_at": due,
        "accepted_at": None,
        "deadlines_provisional": provisional,
    }


def _set_lead(case: Case, *, org_unit=None, company=None, now) -> None:
    Participant.objects.filter(case=case, role=Participant.Role.LEAD).update(
        role=Participant.Role.CO_HANDLER
    )
    existing = Participant.objects.filter(case=case, org_unit=org_unit, company=company).first()
    if existing:
        Participant.objects.filter(pk=existing.pk).update(
            role=Participant.Role.LEAD, is_active=True
        )
    else:
        Participant.objects.create(
            case=case, org_unit=org_unit, company=company, role=Participant.Role.LEAD, joined_at=now
        )


def _lead_party_for(org_unit, company) -> str:
    if company:
        return Party.PROPERTY_COMPANY
    return Party.PARTNER if org_unit and org_unit.kind == "partner" else Party.COMMUNITY


@transaction.atomic
def case_transfer(
    *,
    case: Case,
    actor,
    note: str,
    org_unit: OrgUnit | None = None,
    company: PropertyCompany | None = None,
    expected_version=None,
    now=None,
) -> CaseEvent:
    """The lead passes the case to the other party, another unit or a partner."""
    return _dispatch(
        case,
        action=Action.TRANSFER,
        actor=actor,
        org_unit=org_unit,
        company=company,
        note=note,
        public=True,
        expected_version=expected_version,
        now=now,
    )


@transaction.atomic
def case_return(
    *, case: Case, actor, reason: str, note: str = "", expected_version=None, now=None
) -> CaseEvent:
    """Send a misrouted case back to the community back office for a ruling, with its reason
    (one of `ReturnReason`), which whoever rules reads."""
    party = _guard(case, action=Action.RETURN, actor=actor, expected_version=expected_version)
    if reason not in ReturnReason.values:
        _refuse(_("Choose a reason for the return."))
    return _transition(
        case,
        action=Action.RETURN,
        actor=actor,
        party=party,
        now=now,
        public=False,
        note=(note or "").strip()[:500],
        changes={"return_count": case.return_count + 1, "next_escalation_at": None},
        data={"reason": reason},
    )


@transaction.atomic
def case_rule_return(
    *,
    case: Case,
    actor,
    org_unit=None,
    company=None,
    note: str = "",
    expected_version=None,
    now=None,
) -> CaseEvent:
    """The back office rules on a return and dispatches the case to the party that must act."""
    return _dispatch(
        case,
        action=Action.RULE_RETURN,
        actor=actor,
        org_unit=org_unit,
        company=company,
        note=note,
        public=False,
        expected_version=expected_version,
        now=now,
    )


def _dispatch(
    case: Case, *, action, actor, org_unit, company, note, public, expected_version, now
) -> CaseEvent:
    """Make one unit or company the lead; its response clock starts again."""
    party = _guard(case, action=action, actor=actor, expected_version=expected_version)
    if bool(org_unit) == bool(company):
        _refuse(_("Choose one unit or one company."))
    now = now or timezone.now()
    _set_lead(case, org_unit=org_unit, company=company, now=now)
    return _transition(
        case,
        action=action,
        actor=actor,
        party=party,
        note=note,
        now=now,
        public=public,
        changes={
            "lead_party": _lead_party_for(org_unit, company),
            "assignee": None,
            **_restart_response_clock(case, now),
        },
        data={
            "org_unit": org_unit.pk if org_unit else None,
            "company": company.pk if company else None,
        },
    )


@transaction.atomic
def case_whistle(
    *, case: Case, actor, units, note: str, expected_version=None, now=None
) -> CaseEvent:
    """Call other units in as co-handlers until the matter is done (吹哨报到)."""
    party = _guard(case, action=Action.WHISTLE, actor=actor, expected_version=expected_version)
    units = list(units)
    if not units:
        _refuse(_("Choose the units to call in."))
    now = now or timezone.now()
    for unit in units:
        Participant.objects.get_or_create(
            case=case,
            org_unit=unit,
            defaults={"role": Participant.Role.CO_HANDLER, "joined_at": now},
        )
    return _transition(
        case,
        action=Action.WHISTLE,
        actor=actor,
        party=party,
        note=note,
        now=now,
        data={"units": [u.pk for u in units]},
    )
