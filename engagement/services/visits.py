"""Door-knock visits, and turning what was heard into a case."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases.models import Case, Channel
from cases.services import case_reply, case_submit
from core.errors import Conflict, NotFound, validated
from engagement.models import Visit
from engagement.selectors import can_visit
from engagement.services.common import refuse
from orgs.selectors import scope_for
from residents.models import HouseholdTie, Resident


@transaction.atomic
def visit_log(*, actor, household, visited_at: datetime, visitors: str, heard: str, now=None):
    now = now or timezone.now()
    scope = scope_for(actor)
    if not can_visit(actor) or not scope.households().filter(pk=household.pk).exists():
        raise NotFound()
    if visited_at > now + timedelta(minutes=5):
        refuse(_("A visit cannot be in the future."))
    visit = Visit(
        household=household,
        visited_at=visited_at,
        visitors=visitors.strip(),
        heard=heard.strip(),
        logged_by=actor,
        created_at=now,
    )
    validated(visit, exclude=["case"])
    visit.save()
    return visit


def _household_resident(household) -> Resident | None:
    order = [
        HouseholdTie.Relation.OWNER,
        HouseholdTie.Relation.TENANT,
        HouseholdTie.Relation.FAMILY,
    ]
    ties = list(household.ties.select_related("resident"))
    ties.sort(key=lambda t: (order.index(t.relation), t.resident_id))
    return ties[0].resident if ties else None


@transaction.atomic
def visit_to_case(*, visit: Visit, actor, item, description: str, now=None) -> Case:
    """What was heard becomes a case (channel door_knock) in one step; the visit keeps it. The
    case says what must be fixed and where (the property company reads it); what was heard
    at the door, family matters and all, is attached as a note only the community side reads."""
    now = now or timezone.now()
    households = scope_for(actor).households()
    if not can_visit(actor) or not households.filter(pk=visit.household_id).exists():
        raise NotFound()
    if visit.case_id:
        refuse(
            _("This visit is already case %(no)s.") % {"no": visit.case.tracking_no},
            code="already_a_case",
        )
    description = (description or "").strip()
    if not description:
        refuse(_("Write what must be fixed and where."), code="description_required")
    household = visit.household
    building = household.unit.building
    case = case_submit(
        item=item,
        description=description,
        channel=Channel.DOOR_KNOCK,
        created_by=actor,
        resident=_household_resident(household),
        estate=building.estate,
        building=building,
        household=household,
        idempotency_key=f"door-knock-visit-{visit.pk}",
        now=now,
    )
    if Visit.objects.filter(pk=visit.pk, case__isnull=True).update(case=case) != 1:
        raise Conflict()  # someone else turned it into a case first: this one is rolled back
    visit.case = case
    with translation.override(settings.LANGUAGE_CODE):  # read later, by others
        note = _("Door-knock visit on %(day)s (%(visitors)s): %(heard)s") % {
            "day": timezone.localdate(visit.visited_at).isoformat(),
            "visitors": visit.visitors,
            "heard": visit.heard,
        }
    case_reply(
        case=case,
        actor=actor,
        text=note,
        community_only=True,
        data={"door_knock_visit": visit.pk},
        now=now,
    )
    return case
