"""Deliberation topics and their trace from proposal to completed actions."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from core.errors import NotFound
from engagement.models import (
    Decision,
    FollowUpAction,
    Topic,
    TopicStatus,
    TopicSupport,
)
from engagement.selectors.access import (
    can_manage,
    resident_communities,
    staff_area,
)
from orgs.selectors import scope_for
from residents.selectors import resident_for_user


def _topics() -> QuerySet[Topic]:
    return Topic.objects.select_related("community", "proposed_by")


def topics_for(*, user) -> QuerySet[Topic]:
    """Staff: the topics of their area. Residents: those of the communities they live in."""
    scope = scope_for(user)
    if scope.is_staff:
        return _topics().filter(community__in=staff_area(user))
    resident = resident_for_user(user=user)
    if resident is None:
        return Topic.objects.none()
    return _topics().filter(community__in=resident_communities(resident))


def topic_list_for(*, user, status="") -> QuerySet[Topic]:
    topics = topics_for(user=user)
    if status:
        topics = topics.filter(status=status)
    resident = resident_for_user(user=user)
    if resident is not None:
        topics = topics.annotate(
            supported=Exists(TopicSupport.objects.filter(topic=OuterRef("pk"), resident=resident))
        )
    return topics.annotate(
        action_count=Count("actions", distinct=True),
        actions_done=Count("actions", filter=Q(actions__done=True), distinct=True),
    ).order_by("-created_at", "-id")


def topic_get_for(*, user, topic_id) -> Topic:
    topic = topics_for(user=user).filter(pk=topic_id).first()
    if topic is None:
        raise NotFound()
    return topic


def topic_get_to_manage(*, user, topic_id) -> Topic:
    topic = _topics().filter(pk=topic_id, community__in=staff_area(user)).first()
    if topic is None or not can_manage(user):
        raise NotFound()
    return topic


def action_get_to_manage(*, user, action_id) -> FollowUpAction:
    action = (
        FollowUpAction.objects.select_related("topic__community", "case")
        .filter(pk=action_id, topic__community__in=staff_area(user))
        .first()
    )
    if action is None or not can_manage(user):
        raise NotFound()
    return action


@dataclass(frozen=True)
class Trace:
    """A topic from proposal to completed actions, as one record."""

    topic: Topic
    meeting: object
    attendees: list
    actions: list
    supported: bool

    @property
    def attendee_count(self) -> int:
        if self.meeting is None:
            return 0
        return len(self.attendees) + len(self.meeting.other_attendee_list)

    @property
    def actions_done(self) -> int:
        return sum(1 for a in self.actions if a.done)

    @property
    def complete(self) -> bool:
        """Decided, and either rejected or every follow-up action done."""
        if self.topic.status != TopicStatus.DECIDED:
            return False
        if self.topic.decision == Decision.REJECTED:
            return True
        return bool(self.actions) and self.actions_done == len(self.actions)


def topic_trace(*, user, topic: Topic) -> Trace:
    meeting = getattr(topic, "meeting", None)  # a missing one-to-one raises AttributeError
    resident = resident_for_user(user=user)
    supported = bool(resident) and topic.supports.filter(resident=resident).exists()
    return Trace(
        topic=topic,
        meeting=meeting,
        attendees=list(meeting.attendees.order_by("name")) if meeting else [],
        actions=list(topic.actions.select_related("case")),
        supported=supported,
    )
