"""Every change to a case: intake and one service per transition.

Each service runs atomically, moves the case with a conditional UPDATE on its version (so of
two staff acting at once only one wins), appends a `CaseEvent` and notifies in the same
transaction.
"""

import logging
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import hooks, notify
from cases.models import (
    LEVELS,
    OPEN_STATUSES,
    PERMISSIONS,
    RESIDENT_ACTIONS,
    TRANSITIONS,
    Action,
    Case,
    CaseEvent,
    CasePhoto,
    Extension,
    Participant,
    Party,
    Rating,
    ReturnReason,
    Status,
    TrackingCounter,
)
from cases.selectors import case_visible_to
from cases.tallies import case_tallies, tally_changes, tally_key
from cases.uploads import clean_images
from catalog.models import Item
from catalog.selectors import (
    booking_time_refusal,
    deadline_compute,
    routing_resolve,
    sla_deadlines,
)
from core.errors import ApplicationError, Conflict, Forbidden, NotFound
from orgs.models import OrgUnit, PropertyCompany
from orgs.roles import Permission, Role
from orgs.selectors import scope_for
from residents.models import PersonalDataAccess
from residents.services import personal_data_reveal

logger = logging.getLogger("hgj.cases")


class CaseStateError(ApplicationError):
    code = "invalid_transition"
    status = 409


# ---------------------------------------------------------------------------------------------
# Parties, and the guard every service passes before its first write


def party_of(user) -> str:
    """The side a staff member acts for."""
    scope = scope_for(user)
    role = scope.primary_role
    if role in (Role.PROPERTY_MANAGER, Role.PROPERTY_STAFF, Role.TECHNICIAN):
        return Party.PROPERTY_COMPANY
    if role == Role.SUBDISTRICT_STAFF:
        return Party.SUBDISTRICT
    if role == Role.PARTNER:
        return Party.PARTNER
    return Party.COMMUNITY


def _guard(case: Case, *, action: str, actor, expected_version=None, now=None, in_scope=None):
    """Whether the actor may take the action on the case now, checked before anything is
    written: their role (refused as such, which says nothing about the case), the case in
    their scope (else "not found", as if it did not exist), its state, the version they saw,
    and what else the action needs (`PRECONDITIONS`). Returns the party they act for.

    The resident passes on their own case for their own actions, the system (no actor) for
    its own. Decided from the loaded case and the actor's cached scope: only a case that the
    actor's unit joined later costs a query (none when the caller knows `in_scope`).
    """
    if actor is None:
        if action in PERMISSIONS or action in RESIDENT_ACTIONS:
            raise Forbidden()
        party = Party.SYSTEM
    elif action in RESIDENT_ACTIONS and case.resident_id and case.resident.user_id == actor.pk:
        party = Party.RESIDENT
    else:
        scope = scope_for(actor)
        if not any(scope.has(p) for p in PERMISSIONS.get(action, ())):
            raise Forbidden(_("Your role may not do this."))
        if not (case_visible_to(user=actor, case=case) if in_scope is None else in_scope):
            raise NotFound()
        party = party_of(actor)
    if case.status not in TRANSITIONS[action][0]:
        raise CaseStateError(
            _("This case is now “%(status)s”: this step is no longer possible.")
            % {"status": case.get_status_display()}
        )
    if expected_version is not None and expected_version != case.version:
        raise Conflict()
    if action in PRECONDITIONS:
        PRECONDITIONS[action](case, actor, now or timezone.now())
    return party


def _extension_may_be_requested(case: Case, actor, now) -> None:
    if now >= case.resolution_due:
        _refuse(_("An extension must be requested before the deadline."))
    if case.extensions.filter(state=Extension.State.PENDING).exists():
        _refuse(_("An extension request is already waiting for approval."))


def _extension_may_be_decided(case: Case, actor, now) -> None:
    pending = case.extensions.filter(state=Extension.State.PENDING).first()
    if pending is None:
        raise CaseStateError(_("No extension is waiting for a decision."))
    if pending.requested_by_id == actor.pk:
        raise Forbidden(_("An extension is approved one level up, not by whoever asked."))


# What an action needs of the case besides its state, for the page to offer it as well.
def _photos_await_approval(case: Case, actor, now) -> None:
    if not case.photos.filter(public_consent=True, published_at__isnull=True).exists():
        raise CaseStateError(_("No photo the resident agreed to publish is waiting."))


PRECONDITIONS = {
    Action.PUBLISH_PHOTOS: _photos_await_approval,
    Action.EXTENSION_REQUEST: _extension_may_be_requested,
    Action.EXTENSION_APPROVE: _extension_may_be_decided,
    Action.EXTENSION_REJECT: _extension_may_be_decided,
}


def case_actions_allowed(*, case: Case, actor, now=None) -> set[str]:
    """The actions the guard lets the actor take on the case now: what the page offers."""
    in_scope = case_visible_to(user=actor, case=case)
    allowed = set()
    for action in PERMISSIONS.keys() | RESIDENT_ACTIONS:
        try:
            _guard(case, action=action, actor=actor, now=now, in_scope=in_scope)
        except ApplicationError:
            continue
        allowed.add(action)
    return allowed


# ---------------------------------------------------------------------------------------------
# The one transition primitive


def _transition(
    case: Case,
    *,
    action: str,
    actor=None,
    party: str,
    note: str = "",
    public: bool = True,
    community_only: bool = False,
    data: dict | None = None,
    changes: dict | None = None,
    unit=None,
    now: datetime | None = None,
) -> CaseEvent:
    """Move the case (its service has passed `_guard` for the action), append the event and
    notify."""
    target = TRANSITIONS[action][1]
    now = now or timezone.now()
    fields = dict(changes or {})
    if target:
        fields["status"] = target
    fields["updated_at"] = now
    from_status = case.status
    if not case_apply(case, fields):
        raise Conflict()
    event = CaseEvent.objects.create(
        case=case,
        at=now,
        actor=actor,
        party=party,
        action=action,
        from_status=from_status,
        to_status=case.status,
        note=note,
        public=public and not community_only,
        community_only=community_only,
        unit=unit,
        data=data or {},
    )
    notify.notify_event(case, event)
    return event


def case_apply(case: Case, fields: dict) -> bool:
    """Write the fields to the case's row with the next version, if nobody changed it since it
    was read, and move the figures' tallies with it; False (and nothing changed) if somebody
    did. Every change to a case passes here, as one plain statement: the ORM's update compiler
    cost ten times the query itself."""
    tallied = case_tallies(case)  # before the UPDATE: a deferred field would load the new value
    sets, params = ["version = version + 1"], []
    for name, value in fields.items():
        field = Case._meta.get_field(name)
        if field.is_relation:
            value = getattr(value, "pk", value)
        sets.append(f"{connection.ops.quote_name(field.column)} = %s")
        params.append(field.get_db_prep_save(value, connection))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Case._meta.db_table} SET {', '.join(sets)} WHERE id = %s AND version = %s",
            [*params, case.pk, case.version],
        )
        if cursor.rowcount != 1:
            return False
    for name, value in fields.items():
        setattr(case, name, value)
    case.version += 1
    tally_changes([(tallied, case_tallies(case))])
    return True


# ---------------------------------------------------------------------------------------------
# Intake


def _next_tracking_no(prefix: str, now: datetime) -> str:
    """The day's next number for the prefix: one upsert, atomic on SQLite and PostgreSQL."""
    day = timezone.localdate(now)
    table = TrackingCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (prefix, day, last) VALUES (%s, %s, 1) "
            f"ON CONFLICT (prefix, day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [prefix, day],
        )
        (last,) = cursor.fetchone()
    return f"{prefix}{day:%Y%m%d}-{last:04d}"


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


# How far a person may set a supervision deadline, or move a deadline by an extension.
HORIZON_DAYS = 90
DEADLINE_HORIZON = timedelta(days=HORIZON_DAYS)

# A form sent again with the same content this soon is the same report (Back, then Submit).
FORM_RESUBMIT_WINDOW = timedelta(minutes=30)


def intake_deadlines(*, policy, now: datetime, preferred_time: datetime | None = None):
    """The clocks a case starts with: both from intake, except that a booking's resolution
    clock starts at the time the resident asked for, so the promise is never before it."""
    later = preferred_time if preferred_time and preferred_time > now else None
    return sla_deadlines(policy=policy, start=now, resolution_start=later)


def _refuse(message) -> None:
    raise ApplicationError(message, code="invalid_case")


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


@transaction.atomic
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
) -> Case:
    """The one intake for every channel. A retried submission returns the first case: one
    with the same idempotency key, or (for a form sent again after Back, which the browser
    gives a new key) one by the same person with the same content within `resubmit_window`."""
    description = (description or "").strip()
    where = household.unit.building if household else building
    if idempotency_key:
        existing = Case.objects.filter(
            created_by=created_by, idempotency_key=idempotency_key
        ).first()
        if existing:
            _same_request(existing, item, description, estate, where, household, preferred_time)
            return existing
    now = now or timezone.now()
    if resubmit_window and created_by is not None:
        existing = Case.objects.filter(
            created_by=created_by,
            created_at__gte=now - resubmit_window,
            item=item,
            estate=estate,
            building=where,
            household=household,
            description=description[:2000],
            preferred_time=preferred_time,
        ).first()
        if existing:
            return existing
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
    if preferred_time and item.kind == Item.Kind.SERVICE:
        refusal = booking_time_refusal(item=item, when=preferred_time, now=now)
        if refusal:
            _refuse(refusal)
    images = clean_images(uploads=list(photos))

    decision = routing_resolve(item=item, estate=estate, text=description)
    deadlines = intake_deadlines(policy=decision.policy, now=now, preferred_time=preferred_time)
    area = _area_unit(estate=estate, building=building)
    company = estate.company
    lead = decision.lead if company else Party.COMMUNITY
    prefix = estate.community.abbr or "HG"
    case = Case(
        tracking_no=_next_tracking_no(prefix, now),
        kind=Case.Kind.SERVICE_REQUEST if item.kind == Item.Kind.SERVICE else Case.Kind.APPEAL,
        item=item,
        domain=item.domain,  # loaded with the item, if the caller did
        description=description[:2000],
        priority=decision.priority,
        channel=channel,
        resident=resident,
        contact_name=contact_name or (resident.name if resident else ""),
        contact_mobile=contact_mobile or (resident.mobile if resident else ""),
        created_by=created_by,
        idempotency_key=idempotency_key or "",
        estate=estate,
        building=building,
        household=household,
        location_text=location_text,
        latitude=latitude,
        longitude=longitude,
        area_path=area.path,
        owner_unit=area,
        level=LEVELS.index(area.kind),
        company=company,
        lead_party=lead,
        sla=decision.policy,
        response_due=deadlines.response.at if deadlines.response else None,
        resolution_due=deadlines.resolution.at,
        deadlines_provisional=deadlines.provisional,
        next_escalation_at=(deadlines.response or deadlines.resolution).at,
        preferred_time=preferred_time,
        doorstep=bool(household) and item.kind == Item.Kind.SERVICE,
        created_at=now,
        updated_at=now,
    )
    try:
        with transaction.atomic():
            # The constraints are the database's to check: each would cost a query here.
            case.full_clean(exclude=NOT_REVALIDATED, validate_constraints=False)
            case.save()
    except IntegrityError:
        # Two retries of one submission raced: the other one stored it.
        if idempotency_key:
            return Case.objects.get(created_by=created_by, idempotency_key=idempotency_key)
        raise
    tally_changes([({}, case_tallies(case))])
    other_role = Participant.Role.CO_HANDLER if decision.co_handle else Participant.Role.WATCHER
    sides = [
        Participant(
            case=case,
            org_unit=area,
            joined_at=now,
            at_intake=True,
            role=Participant.Role.LEAD if lead == Party.COMMUNITY else other_role,
        )
    ]
    if company:
        sides.append(
            Participant(
                case=case,
                company=company,
                joined_at=now,
                at_intake=True,
                role=Participant.Role.LEAD if lead == Party.PROPERTY_COMPANY else other_role,
            )
        )
    Participant.objects.bulk_create(sides)
    event = CaseEvent.objects.create(
        case=case,
        at=now,
        actor=created_by,
        action=Action.SUBMIT,
        to_status=case.status,
        party=_submitter_party(created_by, resident),
        note="",
        public=True,
        data={"channel": channel, "emergency_words": list(decision.emergency_words)},
    )
    _save_photos(case, event, images, public_consent=photos_public)
    notify.notify_event(case, event)
    _tell_filed(case)
    return case


def _tell_filed(case: Case) -> None:
    """The apps above hear of the new case (`hooks.CASE_FILED`; triage records its suggestion),
    each in a savepoint, so that whatever one of them does wrong never fails the intake."""
    for hook in hooks.CASE_FILED:
        try:
            with transaction.atomic():
                hook(case=case)
        except Exception:
            logger.exception("%s failed for case %s", hook.__qualname__, case.tracking_no)


def _submitter_party(created_by, resident) -> str:
    if resident is not None and created_by is not None and resident.user_id == created_by.pk:
        return Party.RESIDENT
    if created_by is not None and scope_for(created_by).is_staff:
        return party_of(created_by)
    return Party.SYSTEM  # an outside client application (Open311)


def _save_photos(case: Case, event: CaseEvent, images, *, public_consent=False) -> None:
    for n, image in enumerate(images, 1):
        photo = CasePhoto(
            case=case,
            event=event,
            width=image.width,
            height=image.height,
            public_consent=public_consent,
        )
        photo.image.save(
            f"{case.tracking_no}-{event.pk}-{n}.{image.extension}",
            ContentFile(image.content),
            save=False,
        )
        photo.save()


# ---------------------------------------------------------------------------------------------
# Staff actions


@transaction.atomic
def case_accept(*, case: Case, actor, expected_version=None, now=None) -> CaseEvent:
    party = _guard(case, action=Action.ACCEPT, actor=actor, expected_version=expected_version)
    now = now or timezone.now()
    return _transition(
        case,
        action=Action.ACCEPT,
        actor=actor,
        party=party,
        now=now,
        changes={"accepted_at": case.accepted_at or now, "next_escalation_at": case.resolution_due},
    )


@transaction.atomic
def case_first_contact(
    *, case: Case, actor, note: str = "", expected_version=None, now=None
) -> CaseEvent:
    party = _guard(
        case, action=Action.FIRST_CONTACT, actor=actor, expected_version=expected_version
    )
    now = now or timezone.now()
    return _transition(
        case,
        action=Action.FIRST_CONTACT,
        actor=actor,
        party=party,
        note=note,
        now=now,
        changes={"first_contact_at": case.first_contact_at or now},
    )


@transaction.atomic
def case_reply(
    *,
    case: Case,
    actor,
    text: str,
    public: bool = True,
    community_only: bool = False,
    data: dict | None = None,
    expected_version=None,
    now=None,
) -> CaseEvent:
    """A public reply to the resident, or (public=False) an internal note; `community_only`
    keeps the note from the property company and partners (health or family details)."""
    public = public and not community_only
    action = Action.REPLY if public else Action.NOTE
    party = _guard(case, action=action, actor=actor, expected_version=expected_version)
    text = (text or "").strip()
    if not text:
        _refuse(_("Write something first."))
    return _transition(
        case,
        action=action,
        actor=actor,
        party=party,
        note=text[:2000],
        public=public,
        community_only=community_only,
        data=data,
        now=now,
    )


@transaction.atomic
def case_resident_reply(*, case: Case, user, text: str, now=None) -> CaseEvent:
    party = _guard(case, action=Action.RESIDENT_REPLY, actor=user)
    text = (text or "").strip()
    if not text:
        _refuse(_("Write something first."))
    return _transition(
        case,
        action=Action.RESIDENT_REPLY,
        actor=user,
        party=party,
        note=text[:2000],
        now=now,
    )


@transaction.atomic
def case_assign(*, case: Case, actor, assignee, expected_version=None, now=None) -> CaseEvent:
    party = _guard(case, action=Action.ASSIGN, actor=actor, expected_version=expected_version)
    if not scope_for(assignee).has(Permission.HANDLE_CASES):
        _refuse(_("This person cannot handle cases."))
    serves_area = any(case.area_path.startswith(p) for p in scope_for(assignee).partner_paths)
    if not (serves_area or case_visible_to(user=assignee, case=case)):
        _refuse(_("This person works outside the case's area."))
    now = now or timezone.now()
    return _transition(
        case,
        action=Action.ASSIGN,
        actor=actor,
        party=party,
        now=now,
        public=True,
        note=_("Assigned to %(name)s") % {"name": assignee},
        changes={"assignee": assignee, "accepted_at": case.accepted_at or now},
        data={"assignee": assignee.pk},
    )


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


@transaction.atomic
def case_request_extension(
    *, case: Case, actor, reason: str, new_due: datetime, expected_version=None, now=None
) -> Extension:
    now = now or timezone.now()
    party = _guard(
        case,
        action=Action.EXTENSION_REQUEST,
        actor=actor,
        expected_version=expected_version,
        now=now,
    )
    if not (reason or "").strip():
        _refuse(_("Give a reason for the extension."))
    if new_due <= case.resolution_due:
        _refuse(_("The new deadline must be later than the current one."))
    if new_due > case.resolution_due + DEADLINE_HORIZON:
        _refuse(
            _("An extension adds at most %(days)d days to the deadline.") % {"days": HORIZON_DAYS}
        )
    extension = Extension.objects.create(
        case=case,
        requested_by=actor,
        reason=reason.strip()[:500],
        new_due=new_due,
        requested_at=now,
    )
    _transition(
        case,
        action=Action.EXTENSION_REQUEST,
        actor=actor,
        party=party,
        note=reason,
        now=now,
        public=False,
        data={"extension": extension.pk, "new_due": new_due.isoformat()},
    )
    return extension


@transaction.atomic
def case_decide_extension(
    *, extension: Extension, actor, approve: bool, note: str = "", expected_version=None, now=None
) -> CaseEvent:
    """Approval comes one level up: never from the person who asked."""
    case = extension.case
    action = Action.EXTENSION_APPROVE if approve else Action.EXTENSION_REJECT
    party = _guard(case, action=action, actor=actor, expected_version=expected_version)
    now = now or timezone.now()
    updated = (
        Extension.objects.filter(pk=extension.pk, state=Extension.State.PENDING)
        .exclude(requested_by=actor)  # should two requests have raced past the guard
        .update(
            state=Extension.State.APPROVED if approve else Extension.State.REJECTED,
            decided_by=actor,
            decided_at=now,
        )
    )
    if updated != 1:
        raise Conflict()
    changes = {}
    if approve:
        changes = {"resolution_due": extension.new_due}
        if case.accepted_at:
            changes["next_escalation_at"] = extension.new_due
    return _transition(
        case,
        action=action,
        actor=actor,
        party=party,
        note=note,
        now=now,
        public=approve,
        changes=changes,
        data={"extension": extension.pk},
    )


@transaction.atomic
def case_supervise(
    *, case: Case, actor, due: datetime, note: str = "", expected_version=None, now=None
) -> CaseEvent:
    party = _guard(case, action=Action.SUPERVISE, actor=actor, expected_version=expected_version)
    now = now or timezone.now()
    if due <= now:
        _refuse(_("The supervision deadline must be in the future."))
    if due > now + DEADLINE_HORIZON:
        _refuse(_("Set the supervision deadline within %(days)d days.") % {"days": HORIZON_DAYS})
    return _transition(
        case,
        action=Action.SUPERVISE,
        actor=actor,
        party=party,
        note=note,
        now=now,
        public=False,
        changes={"supervised_at": now, "supervise_due": due},
        data={"due": due.isoformat()},
    )


@transaction.atomic
def case_resolve(
    *, case: Case, actor, note: str, photos=(), expected_version=None, now=None
) -> CaseEvent:
    party = _guard(case, action=Action.RESOLVE, actor=actor, expected_version=expected_version)
    note = (note or "").strip()
    if not note:
        _refuse(_("Say how the problem was solved."))
    images = clean_images(uploads=list(photos))
    now = now or timezone.now()
    event = _transition(
        case,
        action=Action.RESOLVE,
        actor=actor,
        party=party,
        note=note[:2000],
        now=now,
        changes={
            "resolved_at": now,
            "next_escalation_at": None,
            "accepted_at": case.accepted_at or now,
        },
    )
    _save_photos(case, event, images)
    return event


@transaction.atomic
def case_follow_up(
    *, case: Case, actor, solved: bool, note: str = "", expected_version=None, now=None
) -> CaseEvent:
    """The community calls the resident back (回访): solved or not."""
    party = _guard(case, action=Action.FOLLOW_UP, actor=actor, expected_version=expected_version)
    now = now or timezone.now()
    changes = {"followed_up_at": now, "followup_solved": solved, "followup_needed": False}
    event = _transition(
        case,
        action=Action.FOLLOW_UP,
        actor=actor,
        party=party,
        note=note,
        now=now,
        public=False,
        changes=changes,
        data={"solved": solved},
    )
    if case.status == Status.RESOLVED and solved:
        _transition(
            case,
            action=Action.CLOSE,
            actor=actor,
            party=party,
            now=now,
            changes={"closed_at": now},
        )
    return event


@transaction.atomic
def case_merge(*, case: Case, into: Case, actor, expected_version=None, now=None) -> CaseEvent:
    party = _guard(case, action=Action.MERGE, actor=actor, expected_version=expected_version)
    if case.pk == into.pk or into.status not in OPEN_STATUSES:
        _refuse(_("Merge into another open case."))
    if into.merged_into_id:
        _refuse(_("That case was itself merged."))
    _guard(into, action=Action.MERGED_IN, actor=actor)
    now = now or timezone.now()
    event = _transition(
        case,
        action=Action.MERGE,
        actor=actor,
        party=party,
        now=now,
        note=_("Merged into %(tracking)s") % {"tracking": into.tracking_no},
        changes={"merged_into": into, "next_escalation_at": None, "closed_at": now},
        data={"into": into.pk},
    )
    _transition(
        into,
        action=Action.MERGED_IN,
        actor=actor,
        party=party,
        now=now,
        public=False,
        changes={"duplicate_count": into.duplicate_count + 1},
        data={"duplicate": case.pk},
        note=_("%(tracking)s merged in") % {"tracking": case.tracking_no},
    )
    return event


@transaction.atomic
def case_reclassify(
    *, case: Case, actor, item: Item, note: str = "", expected_version=None, now=None
) -> CaseEvent:
    """Correct the item a case was filed under (the corrections train the triage model).

    The domain and priority follow the new item; the clocks already running are kept.
    """
    party = _guard(case, action=Action.RECLASSIFY, actor=actor, expected_version=expected_version)
    if item.pk == case.item_id:
        _refuse(_("The case is already filed under this item."))
    if not item.is_active or item.kind != case.item.kind:
        _refuse(_("Choose a published item of the same kind."))
    decision = routing_resolve(item=item, estate=case.estate, text=case.description)
    return _transition(
        case,
        action=Action.RECLASSIFY,
        actor=actor,
        party=party,
        now=now,
        public=False,
        note=note or _("%(old)s → %(new)s") % {"old": case.item.name, "new": item.name},
        changes={"item": item, "domain_id": item.domain_id, "priority": decision.priority},
        data={"from": case.item.code, "to": item.code},
    )


@transaction.atomic
def case_close(*, case: Case, actor, note: str = "", expected_version=None, now=None) -> CaseEvent:
    party = _guard(case, action=Action.CLOSE, actor=actor, expected_version=expected_version)
    now = now or timezone.now()
    return _transition(
        case,
        action=Action.CLOSE,
        actor=actor,
        party=party,
        note=note,
        now=now,
        changes={"closed_at": now},
    )


@transaction.atomic
def case_photos_publish(*, case: Case, actor, expected_version=None, now=None) -> CaseEvent:
    """A staff member has looked at the photos the resident agreed to publish (nobody's face,
    door number or plate) and lets them be shown in public."""
    party = _guard(
        case, action=Action.PUBLISH_PHOTOS, actor=actor, expected_version=expected_version
    )
    now = now or timezone.now()
    waiting = case.photos.filter(public_consent=True, published_at__isnull=True)
    ids = list(waiting.values_list("pk", flat=True))
    waiting.update(published_at=now, published_by=actor)
    return _transition(
        case,
        action=Action.PUBLISH_PHOTOS,
        actor=actor,
        party=party,
        now=now,
        public=False,
        data={"photos": ids},
    )


@transaction.atomic
def case_reveal_contact(*, case: Case, actor, ip: str = "", now=None) -> CaseEvent:
    """Show a staff member the contact's unmasked number: an internal event on the case, and
    the resident's own access log (kept with the case when the contact is not a registered
    resident)."""
    party = _guard(case, action=Action.REVEAL_CONTACT, actor=actor)
    now = now or timezone.now()
    personal_data_reveal(
        actor=actor,
        resident=case.resident,
        ip=ip,
        fields=[PersonalDataAccess.Field.MOBILE],
        context=PersonalDataAccess.Context.CASE,
        context_id=case.pk,
        context_label=case.tracking_no,
        now=now,
    )
    return CaseEvent.objects.create(
        case=case,
        at=now,
        actor=actor,
        party=party,
        action=Action.REVEAL_CONTACT,
        from_status=case.status,
        to_status=case.status,
        public=False,
    )


# ---------------------------------------------------------------------------------------------
# Resident actions


@transaction.atomic
def case_rate(
    *, case: Case, user, rating: str, comment: str = "", tags=(), reopen: bool = False, now=None
) -> CaseEvent:
    """The resident's verdict. Satisfied closes the case; dissatisfied asks the community to
    follow up, and the resident may reopen."""
    party = _guard(case, action=Action.RATE, actor=user)
    if rating not in Rating.values:
        _refuse(_("Choose a rating."))
    now = now or timezone.now()
    dissatisfied = rating == Rating.DISSATISFIED
    changes = {
        "rating": rating,
        "rating_comment": (comment or "")[:500],
        "rated_at": now,
        "followup_needed": dissatisfied,
    }
    if not dissatisfied:
        changes.update(status=Status.CLOSED, closed_at=now)
    event = _transition(
        case,
        action=Action.RATE,
        actor=user,
        party=party,
        note=comment or "",
        now=now,
        changes=changes,
        data={"rating": rating, "tags": [str(t)[:20] for t in tags][:10]},
    )
    if dissatisfied and reopen:
        case_reopen(case=case, user=user, now=now)
    return event


@transaction.atomic
def case_reopen(
    *, case: Case, user, reason: str = "", expected_version=None, now=None
) -> CaseEvent:
    """Reopen by the resident (their own case) or by handling staff."""
    party = _guard(case, action=Action.REOPEN, actor=user, expected_version=expected_version)
    now = now or timezone.now()
    due = deadline_compute(
        start=now, amount=case.sla.resolution_amount, unit=case.sla.resolution_unit
    )
    return _transition(
        case,
        action=Action.REOPEN,
        actor=user,
        party=party,
        note=reason,
        now=now,
        changes={
            "reopen_count": case.reopen_count + 1,
            "resolved_at": None,
            "closed_at": None,
            "resolution_due": due.at,
            "next_escalation_at": due.at,
            "deadlines_provisional": case.deadlines_provisional or due.provisional,
        },
    )


# ---------------------------------------------------------------------------------------------
# System actions (the worker)


@transaction.atomic
def cases_escalate(*, cases: list[Case], now: datetime) -> list[CaseEvent]:
    """Move each case that missed its clock one level up the ladder, in a few queries.

    The caller holds the rows (the worker's claim: fresh, locked, with `owner_unit__parent`,
    `sla` and `item` loaded). A case whose clock is not due is left alone, so a rerun, or a
    second worker, changes nothing.
    """
    moved, events, first_time = [], [], []
    for case in cases:
        if case.status not in OPEN_STATUSES or not case.next_escalation_at:
            continue
        if case.next_escalation_at > now:
            continue
        if not case.escalation_count:
            first_time.append(case)
        missed = "response" if case.accepted_at is None else "resolution"
        data = {"missed": missed}
        event = CaseEvent(
            case=case, at=now, party=Party.SYSTEM, action=Action.ESCALATE, public=False
        )
        if case.level >= len(LEVELS) - 1:
            # At the subdistrict it stays on the red list until handled.
            case.next_escalation_at = None
            data["top"] = True
        else:
            upper = case.owner_unit.parent
            sla = case.sla
            amount, unit = (
                (sla.response_amount, sla.response_unit)
                if sla.response_amount
                else (sla.resolution_amount, sla.resolution_unit)
            )
            data.update({"from": case.owner_unit_id, "to": upper.pk})
            case.owner_unit = upper
            case.level += 1
            case.escalation_count += 1
            top = case.level >= len(LEVELS) - 1
            case.next_escalation_at = (
                None if top else deadline_compute(start=now, amount=amount, unit=unit).at
            )
            event.unit = upper
            event.note = _("Escalated to %(unit)s") % {"unit": upper.name}
        case.version += 1
        case.updated_at = now
        event.from_status = event.to_status = case.status
        event.data = data
        moved.append(case)
        events.append(event)
    _save_escalations(moved)
    # Of all the tallies, escalating changes only "escalated", once: a case escalated for the
    # first time now counts on the day it was submitted (at the top level nothing changes).
    # Said directly rather than by `case_tallies` before and after: that costs a tenth more
    # per sweep (measured at 1 M cases); the recount tests hold both to the same answer.
    tally_changes(
        ({}, {tally_key(case, case.created_at): {"escalated": 1}})
        for case in first_time
        if case.escalation_count
    )
    CaseEvent.objects.bulk_create(events)
    notify.notify_events(list(zip(moved, events, strict=True)))
    return events


def _save_escalations(cases: list[Case]) -> None:
    """One UPDATE … FROM (VALUES …) for the whole batch: the set-based form is several
    times faster than a statement per row, and Django's bulk_update builds a CASE expression
    per row and field."""
    if not cases:
        return
    datetime_value = connection.ops.adapt_datetimefield_value
    pg = connection.vendor == "postgresql"  # PostgreSQL types the VALUES by casts
    types = ("bigint", "bigint", "integer", "integer", "timestamptz", "integer", "timestamptz")
    row = "(" + ", ".join(f"%s::{t}" if pg else "%s" for t in types) + ")"
    table = Case._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET owner_unit_id = v.column2, level = v.column3, "
            "escalation_count = v.column4, next_escalation_at = v.column5, "
            "version = v.column6, updated_at = v.column7 "
            f"FROM (VALUES {', '.join([row] * len(cases))}) AS v WHERE {table}.id = v.column1",
            [
                value
                for case in cases
                for value in (
                    case.pk,
                    case.owner_unit_id,
                    case.level,
                    case.escalation_count,
                    datetime_value(case.next_escalation_at),
                    case.version,
                    datetime_value(case.updated_at),
                )
            ],
        )


@transaction.atomic
def case_auto_close(*, case: Case, now: datetime) -> CaseEvent:
    party = _guard(case, action=Action.AUTO_CLOSE, actor=None)
    return _transition(
        case,
        action=Action.AUTO_CLOSE,
        party=party,
        now=now,
        changes={"closed_at": now, "auto_closed": True},
    )
