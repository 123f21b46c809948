"""Intake: the one way a case is filed, for every channel (web, staff desk, REST API, Open311,
visits), and never twice for a retried submission."""

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import notify
from cases.models import (
    LEVELS,
    Action,
    Case,
    CaseEvent,
    Participant,
    Party,
    TrackingCounter,
)
from cases.services.guard import _refuse, party_of
from cases.services.transition import _save_photos
from cases.tallies import case_tallies, tally_changes
from cases.uploads import clean_images
from catalog.clock import Deadline
from catalog.models import Item
from catalog.selectors import (
    booking_time_refusal,
    routing_resolve,
    sla_deadlines,
)
from core.errors import ApplicationError
from orgs.models import OrgUnit
from orgs.selectors import scope_for


def _next_tracking_nos(prefix: str, now: datetime, count: int = 1) -> list[str]:
    """The day's next `count` numbers for the prefix: one upsert, atomic on SQLite and
    PostgreSQL."""
    day = timezone.localdate(now)
    table = TrackingCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (prefix, day, last) VALUES (%s, %s, %s) ON CONFLICT "
            f"(prefix, day) DO UPDATE SET last = {table}.last + excluded.last RETURNING last",
            [prefix, day, count],
        )
        (last,) = cursor.fetchone()
    return [f"{prefix}{day:%Y%m%d}-{n:04d}" for n in range(last - count + 1, last + 1)]


def _area_unit(*, estate, building) -> OrgUnit:
    return building.microgrid if building else estate.community


# Checked by intake itself (objects already loaded), so validation skips their queries.
NOT_REVALIDATED = [
    "tracking_no",
    "idempotency_key",
    "item",
    "domain",
    "resident",
    "created_by",
    "estate",
    "building",
    "household",
    "owner_unit",
    "company",
    "assignee",
    "sla",
    "merged_into",
]


# A form sent again with the same content this soon is the same report (Back, then Submit).
FORM_RESUBMIT_WINDOW = timedelta(minutes=30)


def intake_deadlines(*, policy, now: datetime, preferred_time: datetime | None = None):
    """The clocks a case starts with: both from intake, except that a booking's resolution
    clock starts at the time the resident asked for, so the promise is never before it."""
    later = preferred_time if preferred_time and preferred_time > now else None
    return sla_deadlines(policy=policy, start=now, resolution_start=later)


class IdempotencyKeyReused(ApplicationError):
    code = "idempotency_key_reused"
    status = 422


def _same_request(case, item, description, estate, building, household, preferred_time) -> None:
    """A retry under an idempotency key must be the request that key first named."""
    pk = lambda obj: obj.pk if obj else None  # noqa: E731
    sent = (item.pk, description[:2000], estate.pk, pk(building), pk(household), preferred_time)
    stored = (
        case.item_id,
        case.description,
        case.estate_id,
        case.building_id,
        case.household_id,
        case.preferred_time,
    )
    if sent != stored:
        raise IdempotencyKeyReused(
            _("This idempotency key was used for %(no)s with other content: use a new key.")
            % {"no": case.tracking_no}
        )


def _race_safe(submit):
    """Intake in a transaction of its own; if two retries of one submission raced (the same
    idempotency key), the case the other one stored a moment ago. No savepoint is spent on the
    insert: a failed one rolls the whole filing back, its tracking number too."""

    @functools.wraps(submit)
    def submitted(**fields) -> Case:
        try:
            return transaction.atomic(submit)(**fields)
        except IntegrityError:
            key = fields.get("idempotency_key")
            filed = Case.objects.filter(created_by=fields.get("created_by"), idempotency_key=key)
            if not key or (case := filed.first()) is None:
                raise
            return case

    return submitted


@_race_safe
def case_submit(
    *,
    item: Item,
    description: str,
    channel: str,
    created_by,
    estate,
    resident=None,
    building=None,
    household=None,
    location_text: str = "",
    contact_name: str = "",
    contact_mobile: str = "",
    photos=(),
    idempotency_key: str | None = None,
    preferred_time: datetime | None = None,
    latitude=None,
    longitude=None,
    now: datetime | None = None,
    resubmit_window: timedelta | None = None,
    photos_public: bool = False,
    external_no: str = "",
    response_due: datetime | None = None,
    resolution_due: datetime | None = None,
) -> Case:
    """The one intake for every channel. A retried submission returns the first case: one
    with the same idempotency key, or (for a form sent again after Back, which the browser
    gives a new key) one by the same person with the same content within `resubmit_window`.

    A case from a connected system keeps the number that system knows it by (`external_no`);
    a city hotline's own time limits, when it sets them, are the clocks that count
    (`response_due`, `resolution_due`) instead of the SLA's.

    Longer than most only by the fields every channel may send: each step is a function."""
    description = (description or "").strip()
    now = now or timezone.now()
    place = {"estate": estate, "building": building, "household": household}
    existing = _filed_already(
        created_by=created_by,
        idempotency_key=idempotency_key,
        resubmit_window=resubmit_window,
        item=item,
        description=description,
        preferred_time=preferred_time,
        now=now,
        **place,
    )
    if existing:
        return existing
    filing = _prepared(
        item=item,
        description=description,
        now=now,
        preferred_time=preferred_time,
        given={"response_due": response_due, "resolution_due": resolution_due},
        external_no=external_no,
        channel=channel,
        resident=resident,
        contact_name=contact_name,
        contact_mobile=contact_mobile,
        created_by=created_by,
        idempotency_key=idempotency_key or "",
        location_text=location_text,
        latitude=latitude,
        longitude=longitude,
        **place,
    )
    images = clean_images(uploads=list(photos))
    case = filing.case
    (case.tracking_no,) = _next_tracking_nos(_prefix(case.estate), now)
    # The constraints are the database's to check: each would cost a query here.
    case.full_clean(exclude=NOT_REVALIDATED, validate_constraints=False)
    case.save()
    (event,) = _filed([filing])
    _save_photos(case, event, images, public_consent=photos_public)
    return case


@transaction.atomic
def case_submit_many(*, submissions: list[dict]) -> list[Case]:
    """`case_submit` for many new cases at once (a city hotline's file of orders): the same
    checks, routing, clocks, dual receipt, intake events and their fan-out queued, written
    in a few bulk inserts instead of a dozen statements a case. For submissions that cannot
    be retries of earlier ones: no idempotency key, no photos (the caller knows them new)."""
    filings = [_prepared(**_submission(fields)) for fields in submissions]
    by_prefix = {}
    for filing in filings:
        key = (_prefix(filing.case.estate), timezone.localdate(filing.case.created_at))
        by_prefix.setdefault(key, []).append(filing.case)
    for cases in by_prefix.values():
        numbers = _next_tracking_nos(_prefix(cases[0].estate), cases[0].created_at, len(cases))
        for case, number in zip(cases, numbers, strict=True):
            case.tracking_no = number
            case.full_clean(exclude=NOT_REVALIDATED, validate_constraints=False)
    Case.objects.bulk_create([filing.case for filing in filings], batch_size=500)
    _filed(filings)
    return [filing.case for filing in filings]


# What a submission to `case_submit_many` may leave out.
_OPTIONAL = {
    "resident": None,
    "building": None,
    "household": None,
    "preferred_time": None,
    "latitude": None,
    "longitude": None,
    "location_text": "",
    "contact_name": "",
    "contact_mobile": "",
    "external_no": "",
}


def _submission(fields: dict) -> dict:
    fields = _OPTIONAL | fields
    fields["description"] = (fields["description"] or "").strip()
    fields["now"] = fields.get("now") or timezone.now()
    fields["idempotency_key"] = ""
    fields["given"] = {
        "response_due": fields.pop("response_due", None),
        "resolution_due": fields.pop("resolution_due", None),
    }
    return fields


@dataclass
class _Filing:
    case: Case  # not yet stored
    decision: object  # catalog.selectors.RoutingDecision
    given: dict


def _prepared(
    *, item, description, estate, building, household, now, preferred_time, given, **fields
) -> _Filing:
    """A new case as it will be filed, once the request passed intake's checks."""
    building = _checked_building(
        item=item, description=description, estate=estate, building=building, household=household
    )
    _check_booking(item=item, preferred_time=preferred_time, now=now)
    resident = fields["resident"]
    fields["contact_name"] = fields["contact_name"] or (resident.name if resident else "")
    fields["contact_mobile"] = fields["contact_mobile"] or (resident.mobile if resident else "")
    decision = routing_resolve(item=item, estate=estate, text=description)
    case = _new_case(
        item=item,
        decision=decision,
        estate=estate,
        building=building,
        household=household,
        now=now,
        preferred_time=preferred_time,
        given=given,
        description=description[:2000],
        **fields,
    )
    return _Filing(case, decision, given)


def _filed(filings: list[_Filing]) -> list[CaseEvent]:
    """What follows storing new cases: their tallies, both sides, the intake event and its
    fan-out queued (notifications and the hooks of the apps above, in the worker). Returns the
    events."""
    tally_changes([({}, case_tallies(filing.case)) for filing in filings])
    Participant.objects.bulk_create(
        [side for f in filings for side in _sides(f.case, co_handle=f.decision.co_handle)]
    )
    events = CaseEvent.objects.bulk_create(
        [
            CaseEvent(
                case=f.case,
                at=f.case.created_at,
                actor=f.case.created_by,
                action=Action.SUBMIT,
                to_status=f.case.status,
                party=_submitter_party(f.case.created_by, f.case.resident),
                note="",
                public=True,
                data={
                    "channel": f.case.channel,
                    "emergency_words": list(f.decision.emergency_words),
                    **_given_data(f.given),
                },
            )
            for f in filings
        ]
    )
    notify.notify_events([(f.case, event) for f, event in zip(filings, events, strict=True)])
    return events


def _filed_already(
    *,
    created_by,
    idempotency_key,
    resubmit_window,
    item,
    description,
    estate,
    building,
    household,
    preferred_time,
    now,
) -> Case | None:
    """The case a retried submission filed already: by its idempotency key (which must name
    the same request), or the same content from the same person within `resubmit_window`."""
    where = household.unit.building if household else building
    if idempotency_key:
        existing = Case.objects.filter(
            created_by=created_by, idempotency_key=idempotency_key
        ).first()
        if existing:
            _same_request(existing, item, description, estate, where, household, preferred_time)
            return existing
    if resubmit_window and created_by is not None:
        return Case.objects.filter(
            created_by=created_by,
            created_at__gte=now - resubmit_window,
            item=item,
            estate=estate,
            building=where,
            household=household,
            description=description[:2000],
            preferred_time=preferred_time,
        ).first()
    return None


def _checked_building(*, item, description, estate, building, household):
    """Refuse a request that cannot be filed as sent; the building it is in (a household's own
    when one is named)."""
    if not description:
        _refuse(_("Please describe the problem."))
    if not item.is_active or item.kind == Item.Kind.INFO:
        _refuse(_("This item cannot be requested."))
    if building and building.estate_id != estate.pk:
        _refuse(_("The building is not in this estate."))
    if household:
        if building and household.unit.building_id != building.pk:
            _refuse(_("The household is not in this building."))
        building = household.unit.building
        if building.estate_id != estate.pk:
            _refuse(_("The household is not in this estate."))
    return building


def _check_booking(*, item, preferred_time, now) -> None:
    if preferred_time and item.kind == Item.Kind.SERVICE:
        refusal = booking_time_refusal(item=item, when=preferred_time, now=now)
        if refusal:
            _refuse(refusal)


def _given_data(given: dict) -> dict:
    """The time limits a connected system set, kept with the intake event: the timeline is
    what the clocks are replayed from (`cases.clocks`)."""
    if not any(given.values()):
        return {}
    return {"due_given": {k: v.isoformat() if v else None for k, v in given.items()}}


def intake_clocks(*, policy, now: datetime, preferred_time=None, given: dict | None = None):
    """The response and resolution deadlines a case starts with: the SLA's, except where a
    connected hotline set its own (`given`), which count instead."""
    deadlines = intake_deadlines(policy=policy, now=now, preferred_time=preferred_time)
    response, resolution = deadlines.response, deadlines.resolution
    given = given or {}
    if given.get("response_due"):
        response = Deadline(at=given["response_due"], provisional=False)
    if given.get("resolution_due"):
        resolution = Deadline(at=given["resolution_due"], provisional=False)
    return response, resolution


def _new_case(*, item, decision, estate, building, household, now, preferred_time, given, **fields):
    """The case as filed (not yet stored): placed in the area that covers it and with the
    estate's company, led as routing decided, its clocks started."""
    response, resolution = intake_clocks(
        policy=decision.policy, now=now, preferred_time=preferred_time, given=given
    )
    area = _area_unit(estate=estate, building=building)
    company = estate.company
    return Case(
        kind=Case.Kind.SERVICE_REQUEST if item.kind == Item.Kind.SERVICE else Case.Kind.APPEAL,
        item=item,
        domain=item.domain,  # loaded with the item, if the caller did
        priority=decision.priority,
        estate=estate,
        building=building,
        household=household,
        area_path=area.path,
        owner_unit=area,
        level=LEVELS.index(area.kind),
        company=company,
        lead_party=decision.lead if company else Party.COMMUNITY,
        sla=decision.policy,
        response_due=response.at if response else None,
        resolution_due=resolution.at,
        deadlines_provisional=resolution.provisional or bool(response and response.provisional),
        next_escalation_at=(response or resolution).at,
        preferred_time=preferred_time,
        doorstep=bool(household) and item.kind == Item.Kind.SERVICE,
        created_at=now,
        updated_at=now,
        **fields,
    )


def _prefix(estate) -> str:
    return estate.community.abbr or "HG"


def _sides(case: Case, *, co_handle: bool) -> list[Participant]:
    """Both sides receive the case at once: the area's unit and the estate's company, one of
    them leading, the other co-handling or watching."""
    other_role = Participant.Role.CO_HANDLER if co_handle else Participant.Role.WATCHER
    lead_of = {
        Party.COMMUNITY: Participant.Role.LEAD
        if case.lead_party == Party.COMMUNITY
        else other_role,
        Party.PROPERTY_COMPANY: Participant.Role.LEAD
        if case.lead_party == Party.PROPERTY_COMPANY
        else other_role,
    }
    now = case.created_at
    sides = [
        Participant(
            case=case,
            org_unit=case.owner_unit,
            joined_at=now,
            at_intake=True,
            role=lead_of[Party.COMMUNITY],
        )
    ]
    if case.company:
        sides.append(
            Participant(
                case=case,
                company=case.company,
                joined_at=now,
                at_intake=True,
                role=lead_of[Party.PROPERTY_COMPANY],
            )
        )
    return sides


def _submitter_party(created_by, resident) -> str:
    if resident is not None and created_by is not None and resident.user_id == created_by.pk:
        return Party.RESIDENT
    if created_by is not None and scope_for(created_by).is_staff:
        return party_of(created_by)
    return Party.SYSTEM  # an outside client application (Open311)
