"""Door-knock visits, and turning what was heard into a case."""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, Channel
from cases.services import case_reply, case_submit
from core.errors import Conflict, Forbidden, NotFound, validated
from core.once import save_once, written_before
from engagement.models import PlannedVisit, Visit
from engagement.selectors import can_visit, visitors_for, visits_for
from engagement.services.common import in_default_language, refuse
from orgs.roles import Permission
from orgs.selectors import scope_for
from residents.models import HouseholdTie, Resident


@transaction.atomic
def visit_log(
    *,
    actor,
    household,
    visited_at: datetime,
    visitors: str,
    heard: str,
    idempotency_key: str = "",
    now=None,
):
    """Log a door-knock visit. The same key from the same person again is the visit logged
    first (a phone that kept the log offline may send it twice)."""
    now = now or timezone.now()
    scope = scope_for(actor)
    if not can_visit(actor) or not scope.households().filter(pk=household.pk).exists():
        raise NotFound()
    if visited_at > now + timedelta(minutes=5):
        refuse(_("A visit cannot be in the future."))
    earlier = written_before(Visit, idempotency_key, logged_by=actor)
    if earlier is not None:
        return earlier
    visit = Visit(
        household=household,
        visited_at=visited_at,
        visitors=visitors.strip(),
        heard=heard.strip(),
        logged_by=actor,
        created_at=now,
        idempotency_key=idempotency_key,
    )
    validated(visit, exclude=["case"])
    visit, saved = save_once(visit, logged_by=actor)
    if not saved:  # the same log, sent at the same moment from another tab
        return visit
    # The household's door was knocked on: its plans are done, whoever was to go.
    PlannedVisit.objects.filter(household=household, visit__isnull=True).update(visit=visit)
    return visit


def visit_plan(
    *, actor, household, due_on, assignee=None, note: str = "", now=None
) -> PlannedVisit:
    """Plan a door-knock visit to a household of the actor's area by a day, for themselves or
    a colleague of the community side there (`visitors_for`)."""
    now = now or timezone.now()
    assignee = assignee or actor
    if not can_visit(actor) or not scope_for(actor).households().filter(pk=household.pk).exists():
        raise NotFound()
    if not visitors_for(user=actor).filter(pk=assignee.pk).exists():
        refuse(_("Plan visits for yourself or a colleague of your area."))
    if not scope_for(assignee).households().filter(pk=household.pk).exists():
        refuse(_("%(name)s does not cover this household.") % {"name": assignee})
    if due_on < timezone.localdate(now):
        refuse(_("A planned visit cannot be due in the past."))
    plan = PlannedVisit(
        household=household,
        due_on=due_on,
        assignee=assignee,
        planned_by=actor,
        note=note.strip(),
        created_at=now,
    )
    validated(plan, exclude=["visit"])
    plan.save()
    return plan


def visit_plan_drop(*, actor, plan: PlannedVisit) -> None:
    """Take an open plan off the round: its planner or its visitor may."""
    if actor.pk not in (plan.planned_by_id, plan.assignee_id):
        raise Forbidden(_("Only who planned the visit or who is to go may drop it."))
    if PlannedVisit.objects.filter(pk=plan.pk, visit__isnull=True).delete()[0] == 0:
        raise Conflict(_("The visit was logged meanwhile."))


def _household_resident(household) -> Resident | None:
    order = [
        HouseholdTie.Relation.OWNER,
        HouseholdTie.Relation.TENANT,
        HouseholdTie.Relation.FAMILY,
    ]
    ties = list(household.ties.select_related("resident"))
    ties.sort(key=lambda t: (order.index(t.relation), t.resident_id))
    return ties[0].resident if ties else None


def visit_to_case(*, visit: Visit, actor, item, description: str, now=None) -> Case:
    """What was heard at the door becomes a case, filed for the household (see
    `finding_to_case`)."""
    note = in_default_language(
        lambda: (
            _("Door-knock visit on %(day)s (%(visitors)s): %(heard)s")
            % {
                "day": timezone.localdate(visit.visited_at).isoformat(),
                "visitors": visit.visitors,
                "heard": visit.heard,
            }
        )
    )
    return finding_to_case(
        visit=visit,
        visible=visits_for(user=actor),
        actor=actor,
        item=item,
        description=description,
        household=visit.household,
        resident=_household_resident(visit.household),
        note=note,
        source="door_knock_visit",
        now=now,
    )


@transaction.atomic
def finding_to_case(
    *,
    visit,
    visible: QuerySet,
    actor,
    item,
    description: str,
    household,
    resident,
    note: str,
    source: str,
    now=None,
) -> Case:
    """What a visit found becomes a case (channel door-knock) in one step, and the visit keeps
    it: a door-knock visit here, a care visit in `care`. One rule says who may: whoever can read
    the visit (`visible`, the visit's own access selector; else it is not found) and may handle
    cases. The case says what must be fixed and where (the property company reads it); the
    `note` of what the visit found, family and health matters and all, goes with it as a note
    only the community side reads. `source` ("door_knock_visit", "care_visit") names the kind
    of visit in the case's idempotency key and the note's data."""
    now = now or timezone.now()
    if not visible.filter(pk=visit.pk).exists():
        raise NotFound()
    if not scope_for(actor).has(Permission.HANDLE_CASES):
        raise Forbidden(_("Your role may not file cases."))
    if visit.case_id:
        refuse(
            _("This visit is already case %(no)s.") % {"no": visit.case.tracking_no},
            code="already_a_case",
        )
    description = (description or "").strip()
    if not description:
        refuse(_("Write what must be fixed and where."), code="description_required")
    building = household.unit.building
    case = case_submit(
        item=item,
        description=description,
        channel=Channel.DOOR_KNOCK,
        created_by=actor,
        resident=resident,
        estate=building.estate,
        building=building,
        household=household,
        idempotency_key=f"{source.replace('_', '-')}-{visit.pk}",
        now=now,
    )
    visits = type(visit).objects.filter(pk=visit.pk, case__isnull=True)
    if visits.update(case=case) != 1:
        raise Conflict()  # someone else turned it into a case first: this one is rolled back
    visit.case = case
    case_reply(
        case=case,
        actor=actor,
        text=note,
        community_only=True,
        data={source: visit.pk},
        now=now,
    )
    return case
