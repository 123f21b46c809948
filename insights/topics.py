"""Reads of the monthly topics: those of the user's estates, with what each card shows."""

from datetime import timedelta

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.db.models.lookups import IsNull

from cases.models import Case
from core.errors import NotFound
from insights.models import MonthlyTopic, TopicNote
from orgs.selectors import scope_for


def topics_for(*, user) -> QuerySet[MonthlyTopic]:
    """The monthly topics of the estates in the user's scope."""
    return MonthlyTopic.objects.filter(estate__in=scope_for(user).estates())


EFFECT_WINDOW = timedelta(days=30)


def _complaints(start: timedelta, end: timedelta) -> Coalesce:
    """The cases of a topic's item and place (its building, or the whole estate) created from
    `start` to `end` after the topic was taken up."""
    taken_up = OuterRef("created_at")
    cases = (
        Case.objects.filter(
            Q(building=OuterRef("building")) | Q(IsNull(OuterRef("building"), True)),
            estate=OuterRef("estate"),
            item=OuterRef("item"),
            created_at__gte=taken_up + start,
            created_at__lt=taken_up + end,
        )
        .order_by()
        .values("estate")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(cases), 0)


def with_effect(topics: QuerySet[MonthlyTopic]) -> QuerySet[MonthlyTopic]:
    """Topics with `complaints_before` and `complaints_after`: the complaints in the 30 days
    before and after each was taken up, counted in the topics' own query."""
    return topics.annotate(
        complaints_before=_complaints(-EFFECT_WINDOW, timedelta(0)),
        complaints_after=_complaints(timedelta(0), EFFECT_WINDOW),
    )


def topic_cards_for(*, user) -> QuerySet[MonthlyTopic]:
    """The topics of the hotspots page, with what each card shows: its place, item, owner,
    notes and effect."""
    notes = Prefetch("notes", queryset=TopicNote.objects.select_related("author"))
    topics = topics_for(user=user).select_related("estate", "building", "item", "owner")
    return with_effect(topics.prefetch_related(notes))


def topic_get_for(*, user, topic_id) -> MonthlyTopic:
    topic = topics_for(user=user).filter(pk=topic_id).first()
    if topic is None:
        raise NotFound()
    return topic
