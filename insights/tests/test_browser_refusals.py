"""A blank progress note on a monthly topic: refused next to the note form without leaving the
page; a real note then appears on the topic's card."""

from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.models import Item
from core.testing import sign_in
from insights import services
from insights.models import TopicNote

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_blank_progress_note_is_refused_next_to_its_form(desktop, live_server, world, catalogue):
    topic = services.topic_create(
        actor=world.secretary,
        estate=world.E1,
        building=None,
        item=Item.objects.get(code="RB01"),
        title="方城路小区楼道堆物",
        target_date=timezone.localdate() + timedelta(days=20),
        owner=world.community,
    )
    sign_in(desktop, live_server, world.secretary)
    desktop.goto("/insights/hotspots/")
    card = desktop.locator(f'[data-topic="{topic.pk}"]')

    card.get_by_label("进展记录").fill("   ")  # passes the browser's own check
    card.get_by_role("button", name="添加").click()
    refusal = card.locator("form + .hgj-refusal")
    refusal.get_by_text("办理进度：此项必填。").wait_for()
    desktop.shot("refusal-insights-note")
    assert TopicNote.objects.count() == 0

    card.get_by_label("进展记录").fill("已约物业清理")
    card.get_by_role("button", name="添加").click()
    card.get_by_text("已约物业清理").wait_for()
    assert card.locator(".hgj-refusal").count() == 0
    assert list(TopicNote.objects.values_list("text", flat=True)) == ["已约物业清理"]
