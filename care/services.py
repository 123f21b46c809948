"""Writes for care: enrolment, assessments, plans, visits, findings turned into cases, and
the log of every assessment view. Deadlines are computed here, at write time."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from care import questionnaire
from care.models import (
    Assessment,
    AssessmentAccess,
    CareAlert,
    CarePlan,
    CareRecipient,
    CareVisit,
)
from care.selectors import (
    CARE_TAGS,
    can_manage_care,
    community_path,
    local_today,
    managed_recipients_for,
    recipients_for,
)
from cases.models import Case
from core.errors import ApplicationError, NotFound, validated
from core.once import save_once, written_before
from engagement.services import finding_to_case
from orgs.roles import Permission
from orgs.selectors import scope_for, subtree_q
from residents.models import HouseholdTie, PersonalDataAccess, Purpose, Resident
from residents.services import (
    ConsentGiven,
    consent_require,
    personal_data_access_record,
    personal_data_reveal,
)


class CareError(ApplicationError):
    code = "invalid"
    status = 400


def _require_manage(actor, recipient: CareRecipient) -> None:
    if not managed_recipients_for(user=actor).filter(pk=recipient.pk).exists():
        raise NotFound()


def _require_access(actor, recipient: CareRecipient) -> None:
    if not recipients_for(user=actor).filter(pk=recipient.pk).exists():
        raise NotFound()


def _clear_alerts(recipient: CareRecipient, kind: str, now: datetime) -> None:
    CareAlert.objects.filter(recipient=recipient, kind=kind, cleared_at__isnull=True).update(
        cleared_at=now
    )


# ---------------------------------------------------------------------------------------------
# Enrolment


@transaction.atomic
def recipient_enroll(
    *, actor, resident: Resident, consent: ConsentGiven | None = None, now=None
) -> CareRecipient:
    """A tagged resident of the actor's area comes into care (again, if they left): visit and
    assess them soon. Needs their separate consent to care (`consent` records it now)."""
    from care.selectors import candidates_for

    now = now or timezone.now()
    if not can_manage_care(actor):
        raise NotFound()
    if CareRecipient.objects.filter(resident=resident, is_active=True).exists():
        raise CareError(_("This resident is already in care."), code="already_enrolled")
    if not resident.tags.filter(code__in=CARE_TAGS).exists():
        raise CareError(
            _("Only residents tagged as living alone, disabled or on low income can be enrolled.")
        )
    if not candidates_for(user=actor).filter(pk=resident.pk).exists():
        raise NotFound()
    consent_require(resident=resident, purpose=Purpose.CARE, actor=actor, given=consent, now=now)
    tie = (
        HouseholdTie.objects.filter(resident=resident)
        .select_related("household__unit__building__microgrid")
        .order_by("id")
    )
    if not scope_for(actor).everything:
        from care.selectors import care_paths

        tie = tie.filter(subtree_q("household__unit__building__microgrid__path", care_paths(actor)))
    tie = tie.first()
    if tie is None:
        raise NotFound()
    today = local_today(now)
    recipient, _created = CareRecipient.objects.update_or_create(
        resident=resident,
        defaults={
            "household": tie.household,
            "area_path": tie.household.unit.building.microgrid.path,
            "reassessment_due": today,
            "enrolled_at": now,
            "enrolled_by": actor,
            "is_active": True,
            "left_at": None,
            "leave_reason": "",
        },
    )
    CarePlan.objects.update_or_create(
        recipient=recipient,
        defaults={
            "visit_every_days": questionnaire.UNASSESSED_VISIT_EVERY_DAYS,
            "next_visit_due": today,
            "updated_at": now,
            "updated_by": actor,
        },
    )
    return recipient


@transaction.atomic
def recipient_leave(*, actor, recipient: CareRecipient, reason: str, now=None) -> CareRecipient:
    """The person leaves care: no more visits or assessments are due; their records are
    anonymised `CARE_RETENTION_DAYS` later."""
    _require_manage(actor, recipient)
    if reason not in CareRecipient.LeaveReason.values:
        raise CareError(_("Say why they leave care."))
    return _leave(recipient, reason=reason, now=now or timezone.now())


def _leave(recipient: CareRecipient, *, reason: str, now) -> CareRecipient:
    if not CareRecipient.objects.filter(pk=recipient.pk, is_active=True).update(
        is_active=False, left_at=now, leave_reason=reason
    ):
        raise CareError(_("They are no longer in care."), code="not_in_care")
    recipient.refresh_from_db()
    CareAlert.objects.filter(recipient=recipient, cleared_at__isnull=True).update(cleared_at=now)
    return recipient


def care_consent_withdrawn(*, consent, now) -> None:
    """Withdrawing the separate consent to care ends care at once (`residents.hooks`)."""
    if consent.purpose != Purpose.CARE:
        return
    recipient = CareRecipient.objects.filter(resident_id=consent.resident_id, is_active=True)
    for found in recipient:
        _leave(found, reason=CareRecipient.LeaveReason.CONSENT_WITHDRAWN, now=now)


@transaction.atomic
def recipient_anonymise(*, recipient: CareRecipient, now) -> bool:
    """The retention period after leaving care is over: the assessments go, the visits keep
    only when, how and for which partner (what the partner's figures count), and the record
    no longer names the person or their home."""
    if not CareRecipient.objects.filter(
        pk=recipient.pk, is_active=False, anonymised_at__isnull=True
    ).update(
        resident=None, household=None, risk_level="", reassessment_due=None, anonymised_at=now
    ):
        return False
    recipient.assessments.all().delete()
    recipient.alerts.all().delete()
    recipient.visits.update(findings="", follow_up="", visitors="", wellbeing="")
    plan = CarePlan.objects.filter(recipient=recipient).first()
    if plan:
        CarePlan.objects.filter(pk=plan.pk).update(needs="")
        plan.volunteers.clear()
    return True


def _require_in_care(recipient: CareRecipient) -> None:
    if not recipient.is_active:
        raise CareError(_("They are no longer in care."), code="not_in_care")


# ---------------------------------------------------------------------------------------------
# Assessments


def _last_visit_day(recipient: CareRecipient):
    last = recipient.visits.order_by("-visited_at").values_list("visited_at", flat=True).first()
    return timezone.localdate(last) if last else None


def _next_visit_due(recipient: CareRecipient, every_days: int, today):
    last = _last_visit_day(recipient)
    return last + timedelta(days=every_days) if last else today


@transaction.atomic
def assessment_record(
    *,
    actor,
    recipient: CareRecipient,
    answers: dict,
    notes: str = "",
    consent: ConsentGiven | None = None,
    now=None,
):
    """Score the answers, keep them in the history and move the plan to the new risk level.
    Health data: only with the person's separate consent to care (`consent` records it now)."""
    now = now or timezone.now()
    _require_manage(actor, recipient)
    _require_in_care(recipient)
    consent_require(
        resident=recipient.resident, purpose=Purpose.CARE, actor=actor, given=consent, now=now
    )
    try:
        result = questionnaire.score(answers)
    except ValueError:
        raise CareError(_("Please answer every question.")) from None
    today = local_today(now)
    assessment = Assessment(
        recipient=recipient,
        assessed_at=now,
        assessed_by=actor,
        answers={code: answers[code] for code in questionnaire.QUESTION_CODES},
        physical_score=result.physical,
        mental_score=result.mental,
        family_score=result.family,
        risk_level=result.risk_level,
        notes=notes.strip(),
        next_due=today + timedelta(days=questionnaire.REASSESS_AFTER_DAYS[result.risk_level]),
    )
    validated(assessment)
    assessment.save()
    CareRecipient.objects.filter(pk=recipient.pk).update(
        risk_level=result.risk_level, reassessment_due=assessment.next_due
    )
    recipient.risk_level, recipient.reassessment_due = result.risk_level, assessment.next_due
    every = questionnaire.VISIT_EVERY_DAYS[result.risk_level]
    CarePlan.objects.filter(recipient=recipient).update(
        visit_every_days=every,
        next_visit_due=_next_visit_due(recipient, every, today),
        updated_at=now,
        updated_by=actor,
    )
    _clear_alerts(recipient, CareAlert.Kind.REASSESSMENT_DUE, now)
    return assessment


@transaction.atomic
def assessment_view(*, actor, assessment: Assessment, ip: str, now=None) -> Assessment:
    """Log that `actor` opened the assessment (also in the person's own access log). Called by
    every page that shows one."""
    recipient = assessment.recipient
    _require_access(actor, recipient)
    now = now or timezone.now()
    AssessmentAccess.objects.create(actor=actor, assessment=assessment, ip=ip, at=now)
    personal_data_access_record(
        actor=actor,
        resident=recipient.resident,
        ip=ip,
        fields=[PersonalDataAccess.Field.ASSESSMENT],
        context=PersonalDataAccess.Context.CARE,
        context_id=recipient.pk,
        now=now,
    )
    return assessment


def recipient_contact_reveal(*, actor, recipient: CareRecipient, ip: str, now=None):
    """The recipient's mobile number and door for someone who may see them (logged)."""
    _require_access(actor, recipient)
    return personal_data_reveal(
        actor=actor,
        resident=recipient.resident,
        ip=ip,
        fields=[PersonalDataAccess.Field.MOBILE, PersonalDataAccess.Field.HOUSEHOLD],
        context=PersonalDataAccess.Context.CARE,
        context_id=recipient.pk,
        now=now,
    )


# ---------------------------------------------------------------------------------------------
# Plans


@transaction.atomic
def plan_update(
    *,
    actor,
    recipient: CareRecipient,
    visit_every_days: int,
    needs: str = "",
    responsible=None,
    volunteers=(),
    partner=None,
    now=None,
) -> CarePlan:
    now = now or timezone.now()
    _require_manage(actor, recipient)
    if not 1 <= visit_every_days <= 90:
        raise CareError(_("Visit at least every 90 days."))
    if responsible is not None and not (
        scope_for(responsible).has(Permission.HANDLE_CASES)
        and managed_recipients_for(user=responsible).filter(pk=recipient.pk).exists()
    ):
        raise CareError(_("The responsible person must be a staff member who handles cases."))
    if partner is not None and not (
        partner.is_active and partner.communities.filter(path=community_path(recipient)).exists()
    ):
        raise CareError(_("The partner does not serve this community."))
    volunteers = list(volunteers)
    if any(not v.tags.filter(code="volunteer").exists() for v in volunteers):
        raise CareError(_("Only residents tagged as volunteers can be assigned."))
    plan = CarePlan.objects.select_for_update().get(recipient=recipient)
    plan.visit_every_days = visit_every_days
    plan.needs = needs.strip()
    plan.responsible = responsible
    plan.partner = partner
    plan.next_visit_due = _next_visit_due(recipient, visit_every_days, local_today(now))
    plan.updated_at = now
    plan.updated_by = actor
    validated(plan)
    plan.save()
    plan.volunteers.set(volunteers)
    return plan


# ---------------------------------------------------------------------------------------------
# Visits


@transaction.atomic
def visit_log(
    *,
    actor,
    recipient: CareRecipient,
    visited_at: datetime,
    kind: str,
    visitors: str,
    wellbeing: str,
    findings: str,
    follow_up: str = "",
    idempotency_key: str = "",
    now=None,
) -> CareVisit:
    """Log a visit; the next one falls due a plan interval after the latest visit. The same key
    from the same person again is the visit logged first (a phone that kept the log offline
    may send it twice)."""
    now = now or timezone.now()
    _require_access(actor, recipient)
    earlier = written_before(CareVisit, idempotency_key, logged_by=actor)
    if earlier is not None:
        return earlier
    _require_in_care(recipient)
    if visited_at > now + timedelta(minutes=5):
        raise CareError(_("A visit cannot be in the future."))
    if wellbeing not in CareVisit.Wellbeing.values:
        raise CareError(_("Say how they are."))
    partner = actor.alliance_partners.filter(care_plans__recipient=recipient).first()
    visit = CareVisit(
        recipient=recipient,
        visited_at=visited_at,
        kind=kind,
        visitors=visitors.strip(),
        wellbeing=wellbeing,
        findings=findings.strip(),
        follow_up=follow_up.strip(),
        logged_by=actor,
        partner=partner,
        created_at=now,
        idempotency_key=idempotency_key,
    )
    validated(visit, exclude=["case"])
    visit, saved = save_once(visit, logged_by=actor)
    if not saved:  # the same log, sent at the same moment from another tab
        return visit
    plan = CarePlan.objects.select_for_update().get(recipient=recipient)
    due = _next_visit_due(recipient, plan.visit_every_days, local_today(now))
    CarePlan.objects.filter(pk=plan.pk).update(next_visit_due=due)
    if due > local_today(now):
        _clear_alerts(recipient, CareAlert.Kind.VISIT_OVERDUE, now)
    return visit


def visit_to_case(*, visit: CareVisit, actor, item, description: str, now=None) -> Case:
    """A finding becomes a case, filed on behalf of the recipient, by the one flow every visit
    takes (`engagement.services.finding_to_case`: who may, the fault for the property company,
    the finding as a community-only note)."""
    finding = "\n".join(part for part in (visit.findings, visit.follow_up) if part)
    with translation.override(settings.LANGUAGE_CODE):  # read later, by others
        note = _("Care visit on %(day)s (%(visitors)s): %(finding)s") % {
            "day": timezone.localdate(visit.visited_at).isoformat(),
            "visitors": visit.visitors,
            "finding": finding,
        }
    return finding_to_case(
        visit=visit,
        visible=CareVisit.objects.filter(recipient__in=recipients_for(user=actor)),
        actor=actor,
        item=item,
        description=description,
        household=visit.recipient.household,
        resident=visit.recipient.resident,
        note=note,
        source="care_visit",
        now=now,
    )
