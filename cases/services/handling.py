"""What the handling staff do with a case: sign for it, call the resident back, reply, assign,
resolve, follow up, merge, correct the item, close, approve photos, reveal the contact."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import (
    OPEN_STATUSES,
    Action,
    Case,
    CaseEvent,
    Rating,
    RatingSource,
    Status,
)
from cases.selectors import case_visible_to
from cases.services.guard import _guard, _refuse
from cases.services.transition import _save_photos, _transition
from cases.uploads import clean_images
from catalog.models import Item
from catalog.selectors import (
    routing_resolve,
)
from orgs.roles import Permission
from orgs.selectors import scope_for
from residents.models import PersonalDataAccess
from residents.services import personal_data_access_record, personal_data_reveal


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
def case_first_response(
    *, case: Case, actor, note: str = "", expected_version=None, now=None
) -> CaseEvent:
    party = _guard(
        case, action=Action.FIRST_RESPONSE, actor=actor, expected_version=expected_version
    )
    now = now or timezone.now()
    return _transition(
        case,
        action=Action.FIRST_RESPONSE,
        actor=actor,
        party=party,
        note=note,
        now=now,
        changes={"first_response_at": case.first_response_at or now},
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
def case_assign(*, case: Case, actor, assignee, expected_version=None, now=None) -> CaseEvent:
    party = _guard(case, action=Action.ASSIGN, actor=actor, expected_version=expected_version)
    if not scope_for(assignee).has(Permission.HANDLE_CASES):
        _refuse(_("This person cannot handle cases."))
    theirs = scope_for(assignee)
    # A partner serving the area, a technician of the case's company (who sees their jobs
    # only once assigned), or anyone who sees the case.
    serves_area = any(case.area_path.startswith(p) for p in theirs.partner_paths)
    if not (
        serves_area
        or case.company_id in theirs.job_company_ids
        or case_visible_to(user=assignee, case=case)
    ):
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
    *,
    case: Case,
    actor,
    solved: bool,
    note: str = "",
    rating: str = "",
    rating_source: str = "",
    expected_version=None,
    now=None,
) -> CaseEvent:
    """The resident is called back (回访): solved or not. A call that also asks for the
    verdict (the city hotline's) records it as the case's rating, with who asked
    (`rating_source`). Solved, and not dissatisfied, closes a resolved case."""
    party = _guard(case, action=Action.FOLLOW_UP, actor=actor, expected_version=expected_version)
    if rating and (rating not in Rating.values or rating_source not in RatingSource.values):
        _refuse(_("Choose a rating."))
    now = now or timezone.now()
    changes = {"followed_up_at": now, "followup_solved": solved, "followup_needed": False}
    data = {"solved": solved}
    if rating:
        changes.update(
            rating=rating, rating_comment=note[:500], rated_at=now, rating_source=rating_source
        )
        data.update(rating=rating, source=rating_source)
    event = _transition(
        case,
        action=Action.FOLLOW_UP,
        actor=actor,
        party=party,
        note=note,
        now=now,
        public=False,
        changes=changes,
        data=data,
    )
    if case.status == Status.RESOLVED and solved and rating != Rating.DISSATISFIED:
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
    moved = _neighbours_move(case, into)
    event = _transition(
        case,
        action=Action.MERGE,
        actor=actor,
        party=party,
        now=now,
        note=_("Merged into %(tracking)s") % {"tracking": into.tracking_no},
        changes={
            "merged_into": into,
            "next_escalation_at": None,
            "closed_at": now,
            "neighbour_count": 0,
        },
        data={"into": into.pk},
    )
    _transition(
        into,
        action=Action.MERGED_IN,
        actor=actor,
        party=party,
        now=now,
        public=False,
        changes={
            "duplicate_count": into.duplicate_count + 1,
            "neighbour_count": into.neighbour_count + moved,
        },
        data={"duplicate": case.pk},
        note=_("%(tracking)s merged in") % {"tracking": case.tracking_no},
    )
    return event


def _neighbours_move(case: Case, into: Case) -> int:
    """The neighbours of a merged case follow the case it is merged into, each once (and not
    the reporter of either, who follow it already). Returns how many moved."""
    stay = {into.resident_id, case.resident_id}
    stay |= set(into.neighbours.values_list("resident_id", flat=True))
    rows = case.neighbours.all()
    moved = rows.exclude(resident_id__in=[r for r in stay if r]).update(case=into)
    rows.delete()
    return moved


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


def _contact_access(case: Case, *, actor, ip: str, now) -> dict:
    """The line in the resident's access log for a look at a case's contact number."""
    return {
        "actor": actor,
        "resident": case.resident,
        "ip": ip,
        "fields": [PersonalDataAccess.Field.MOBILE],
        "context": PersonalDataAccess.Context.CASE,
        "context_id": case.pk,
        "context_label": case.tracking_no,
        "now": now,
    }


@transaction.atomic
def case_reveal_contact(*, case: Case, actor, ip: str = "", now=None) -> CaseEvent:
    """Show a staff member the contact's unmasked number: an internal event on the case, and
    the resident's own access log (kept with the case when the contact is not a registered
    resident)."""
    party = _guard(case, action=Action.REVEAL_CONTACT, actor=actor)
    now = now or timezone.now()
    personal_data_reveal(**_contact_access(case, actor=actor, ip=ip, now=now))
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


@transaction.atomic
def case_call_contact(*, case: Case, actor, ip: str = "", now=None) -> str:
    """A tap on the contact's masked number in a technician's jobs: the number, for the
    phone's dialler only (the page still shows it masked). The technician assigned may, and
    whoever may see personal data. The call is an internal event on the case, a line in the
    resident's own access log, and the case's first contact if nobody had contacted them."""
    party = _guard(case, action=Action.CALL_CONTACT, actor=actor)
    now = now or timezone.now()
    personal_data_access_record(**_contact_access(case, actor=actor, ip=ip, now=now))
    _transition(
        case,
        action=Action.CALL_CONTACT,
        actor=actor,
        party=party,
        public=False,
        changes={"first_response_at": case.first_response_at or now},
        now=now,
    )
    return case.contact_mobile
