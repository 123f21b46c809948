"""Writes for insights: monthly topics (每月一题) and their progress (the figures' tallies are
kept by cases: `cases.tallies`)."""

from django.db import transaction
from django.utils import timezone

from core.errors import Forbidden
from insights.models import MonthlyTopic, TopicNote
from orgs.roles import Permission
from orgs.selectors import scope_for


@transaction.atomic
def topic_create(*, actor, estate, building, item, title: str, target_date, owner) -> MonthlyTopic:
    if not scope_for(actor).has(Permission.ROUTE_CASES):
        raise Forbidden()
    now = timezone.now()
    topic = MonthlyTopic(
        title=title,
        month=timezone.localdate(now).replace(day=1),
        estate=estate,
        building=building,
        item=item,
        owner=owner,
        target_date=target_date,
        created_by=actor,
        created_at=now,
    )
    topic.full_clean()
    topic.save()
    return topic


@transaction.atomic
def topic_add_note(*, topic: MonthlyTopic, actor, text: str, done: bool = False) -> TopicNote:
    if actor.pk not in (topic.owner_id, topic.created_by_id) and not scope_for(actor).has(
        Permission.ROUTE_CASES
    ):
        raise Forbidden()
    note = TopicNote.objects.create(topic=topic, author=actor, text=text, at=timezone.now())
    if done and topic.state != MonthlyTopic.State.DONE:
        MonthlyTopic.objects.filter(pk=topic.pk).update(state=MonthlyTopic.State.DONE)
    return note
