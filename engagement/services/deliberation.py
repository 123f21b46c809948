"""Resident deliberation: proposal, support, meeting, decision, follow-up actions."""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import OPEN_STATUSES, Case
from cases.selectors import cases_in_scope
from core.errors import ApplicationError, Conflict, Forbidden, NotFound, validated
from engagement.models import (
    TOPIC_TRANSITIONS,
    Decision,
    FollowUpAction,
    Meeting,
    Topic,
    TopicSupport,
    Venue,
)
from engagement.selectors import resident_communities
from engagement.services.common import (
    local_time,
    refuse,
    require_in_area,
    require_manage,
)
from orgs.models import OrgUnit
from orgs.selectors import scope_for
from residents.models import Resident
from residents.selectors import resident_for_user

MEETING_HORIZON = timedelta(days=366)  # a meeting is planned at most a year ahead


class TopicStateError(ApplicationError):
    code = "invalid_transition"
    status = 409


def _allowed(topic: Topic, step: str) -> None:
    if topic.status not in TOPIC_TRANSITIONS[step][0]:
        raise TopicStateError(
            _("This topic is “%(status)s”: that step is not possible now.")
            % {"status": topic.get_status_display()}
        )


def _step(topic: Topic, step: str, **changes) -> None:
    """Check the topic may take the step; if it moves, a conditional UPDATE on its status."""
    _allowed(topic, step)
    target = TOPIC_TRANSITIONS[step][1]
    if target is None and not changes:
        return
    fields = {**changes, **({"status": target} if target else {})}
    if Topic.objects.filter(pk=topic.pk, status=topic.status).update(**fields) != 1:
        raise Conflict()
    for name, value in fields.items():
        setattr(topic, name, value)


@transaction.atomic
def topic_propose(*, user, title: str, description: str, community: OrgUnit, now=None) -> Topic:
    """A resident (for a community they live in) or a staff member (in their area) proposes."""
    now = now or timezone.now()
    staff = scope_for(user).is_staff
    resident = None if staff else resident_for_user(user=user)
    if staff:
        require_in_area(user, community.pk)
    elif resident is None or not resident_communities(resident).filter(pk=community.pk).exists():
        raise NotFound()
    topic = Topic(
        title=title.strip(),
        description=description.strip(),
        community=community,
        proposed_by=user,
        proposed_by_resident=resident is not None,
        created_at=now,
    )
    validated(topic)
    topic.save()
    if resident is not None:  # the proposer is the first supporter
        TopicSupport.objects.create(topic=topic, resident=resident, created_at=now)
        Topic.objects.filter(pk=topic.pk).update(support_count=1)
        topic.support_count = 1
    return topic


@transaction.atomic
def topic_support(*, topic: Topic, user, now=None) -> Topic:
    """One support per resident of the topic's community."""
    now = now or timezone.now()
    resident = resident_for_user(user=user)
    if resident is None:
        raise Forbidden(_("Only residents support topics."))
    if not resident_communities(resident).filter(pk=topic.community_id).exists():
        raise NotFound()
    _step(topic, "support")
    try:
        with transaction.atomic():
            TopicSupport.objects.create(topic=topic, resident=resident, created_at=now)
    except IntegrityError:
        refuse(_("You already support this topic."), code="duplicate")
    Topic.objects.filter(pk=topic.pk).update(support_count=F("support_count") + 1)
    topic.refresh_from_db(fields=["support_count"])
    return topic


@transaction.atomic
def meeting_schedule(
    *, topic: Topic, actor, starts_at: datetime, venue: Venue, agenda: str, now=None
) -> Meeting:
    now = now or timezone.now()
    require_manage(actor, topic.community_id)
    if venue.community_id != topic.community_id:
        refuse(_("Choose a venue in the topic's community."))
    if starts_at < topic.created_at.replace(second=0, microsecond=0):  # forms give minutes
        refuse(
            _("The meeting cannot be before the topic was proposed (%(at)s).")
            % {"at": local_time(topic.created_at)}
        )
    if starts_at > now + MEETING_HORIZON:
        refuse(_("Plan the meeting within a year."))
    meeting = Meeting.objects.filter(topic=topic).first()
    if meeting and meeting.recorded_at:
        refuse(_("The meeting has been held: its minutes are recorded."))
    _step(topic, "schedule")
    meeting = meeting or Meeting(topic=topic, scheduled_by=actor)
    meeting.starts_at, meeting.venue, meeting.agenda = starts_at, venue, agenda.strip()
    validated(meeting)
    meeting.save()
    return meeting


@transaction.atomic
def meeting_record(
    *,
    topic: Topic,
    actor,
    attendee_mobiles: list[str],
    other_attendees: str = "",
    minutes: str,
    now=None,
) -> Meeting:
    """Who signed in (residents by mobile number, others by name) and the minutes."""
    now = now or timezone.now()
    require_manage(actor, topic.community_id)
    _step(topic, "record")
    meeting = Meeting.objects.filter(topic=topic).first()
    if meeting is None:
        refuse(_("Schedule the meeting first."))
    if now < meeting.starts_at:
        refuse(
            _("The meeting has not begun (%(at)s): record its minutes afterwards.")
            % {"at": local_time(meeting.starts_at)}
        )
    if not minutes.strip():
        refuse(_("Write the minutes."))
    mobiles = sorted(set(attendee_mobiles))
    residents = list(
        Resident.objects.filter(
            mobile__in=mobiles,
            ties__household__unit__building__estate__community_id=topic.community_id,
        ).distinct()
    )
    unknown = sorted(set(mobiles) - {r.mobile for r in residents})
    if unknown:
        refuse(_("Not residents of this community: %(numbers)s") % {"numbers": ", ".join(unknown)})
    meeting.other_attendees = other_attendees.strip()
    meeting.minutes = minutes.strip()
    meeting.recorded_at = now
    validated(meeting)
    meeting.save()
    meeting.attendees.set(residents)
    return meeting


@transaction.atomic
def topic_decide(*, topic: Topic, actor, decision: str, note: str = "", now=None) -> Topic:
    now = now or timezone.now()
    require_manage(actor, topic.community_id)
    if decision not in Decision.values:
        refuse(_("Choose a decision."))
    _allowed(topic, "decide")
    meeting = Meeting.objects.filter(topic=topic).first()
    if meeting is None or meeting.recorded_at is None:
        refuse(_("Record the meeting and its minutes before the decision."))
    if now < meeting.starts_at:
        refuse(
            _("The meeting has not begun (%(at)s): decide at or after it.")
            % {"at": local_time(meeting.starts_at)}
        )
    _step(
        topic,
        "decide",
        decision=decision,
        decision_note=note.strip(),
        decided_at=now,
        decided_by=actor,
    )
    return topic


def _case_by_tracking_no(actor, tracking_no: str) -> Case | None:
    tracking_no = tracking_no.strip().upper()
    if not tracking_no:
        return None
    case = cases_in_scope(user=actor).filter(tracking_no=tracking_no).first()
    if case is None:
        refuse(_("No case %(no)s in your area.") % {"no": tracking_no}, code="unknown_case")
    return case


@transaction.atomic
def action_add(
    *, topic: Topic, actor, title: str, owner: str, deadline, tracking_no: str = "", now=None
) -> FollowUpAction:
    now = now or timezone.now()
    require_manage(actor, topic.community_id)
    _step(topic, "add_action")
    if topic.decision == Decision.REJECTED:
        refuse(_("A rejected topic has no follow-up actions."))
    if deadline < timezone.localdate(now):
        refuse(_("The deadline has passed already: choose today or a later day."))
    action = FollowUpAction(
        topic=topic,
        title=title.strip(),
        owner=owner.strip(),
        deadline=deadline,
        case=_case_by_tracking_no(actor, tracking_no),
        created_at=now,
        updated_at=now,
    )
    validated(action)
    action.save()
    return action


@transaction.atomic
def action_update(
    *, action: FollowUpAction, actor, progress: str, done: bool, tracking_no="", now=None
) -> FollowUpAction:
    """Record progress; marking done (or undone) is a conditional UPDATE on the flag."""
    now = now or timezone.now()
    require_manage(actor, action.topic.community_id)
    changes = {"progress": progress.strip(), "updated_at": now}
    if tracking_no.strip():
        changes["case"] = _case_by_tracking_no(actor, tracking_no)
    if done and not action.done:
        if not changes["progress"]:
            refuse(_("Write down what was done before marking it done."))
        case_id = changes["case"].pk if changes.get("case") else action.case_id
        case = Case.objects.filter(pk=case_id, status__in=OPEN_STATUSES).first()
        if case is not None:
            refuse(
                _("Its case %(no)s is still being handled: mark it done once that is solved.")
                % {"no": case.tracking_no}
            )
    if done != action.done:
        changes.update(done=done, done_at=now if done else None)
    if FollowUpAction.objects.filter(pk=action.pk, done=action.done).update(**changes) != 1:
        raise Conflict()
    action.refresh_from_db()
    return action
