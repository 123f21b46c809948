"""The dashboards make as many queries for three rows as for one (no query per row): the
dashboard, the big screen, the rankings, the cases behind a figure and the hotspots with
their monthly topics."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.models import Item
from core.testing import page_queries
from insights.metrics import METRICS
from insights.services import topic_create

pytestmark = pytest.mark.django_db
THIRTY_DAYS = {"period": "30d"}
RECEIVED = next(iter(METRICS))  # the first figure: cases received


def _place(world, n):
    return {"estate": getattr(world, f"E{n}"), "building": getattr(world, f"B{n}")}


@pytest.fixture
def overdue(report, world):
    """A case ten days old in estate n (1, 2 or 3), past its resolution deadline."""

    def _overdue(n):
        return report(now=timezone.now() - timedelta(days=10), **_place(world, n))

    return _overdue


@pytest.mark.parametrize(
    "url", [reverse("insights:dashboard"), reverse("insights:screen"), reverse("insights:rankings")]
)
def test_figures_pages_make_the_same_queries_for_three_estates_as_for_one(
    overdue, world, client_for, url
):
    client = client_for(world.subdistrict)
    cases = [overdue(1)]
    _r, one = page_queries(client, url, THIRTY_DAYS)
    cases += [overdue(2), overdue(3)]
    page, three = page_queries(client, url, THIRTY_DAYS)

    html = page.content.decode()
    if url == reverse("insights:screen"):  # the overdue cases
        assert [c.tracking_no in html for c in cases] == [True, True, True]
    else:  # three estates and two companies; two companies and three grids
        assert html.count("<tr><td>") == 5
    assert len(three) == len(one), "\n".join(three)


def test_the_cases_behind_a_figure_make_the_same_queries_for_three_as_for_one(
    overdue, world, client_for
):
    client = client_for(world.subdistrict)
    url = reverse("insights:metric_cases", args=[RECEIVED])
    cases = [overdue(1)]
    _r, one = page_queries(client, url, THIRTY_DAYS)
    cases += [overdue(2), overdue(3)]
    page, three = page_queries(client, url, THIRTY_DAYS)

    html = page.content.decode()
    assert [c.tracking_no in html for c in cases] == [True, True, True]
    assert len(three) == len(one), "\n".join(three)


def test_hotspots_make_the_same_queries_for_three_hotspots_and_topics_as_for_one(
    overdue, world, client_for
):
    item = Item.objects.get(code="RB01")

    def hotspot_and_topic(n):
        for _i in range(3):
            overdue(n)
        return topic_create(
            actor=world.subdistrict,
            title=f"{n}号楼楼道堆物",
            target_date=date(2027, 12, 31),
            owner=world.grid_worker,
            item=item,
            **_place(world, n),
        )

    client = client_for(world.subdistrict)
    url = reverse("insights:hotspots")
    topic = hotspot_and_topic(1)
    note = {"text": "已联系业主清理"}
    client.post(reverse("insights:topic_note", args=[topic.pk]), note)
    _r, one = page_queries(client, url, THIRTY_DAYS)
    for n in (2, 3):
        topic = hotspot_and_topic(n)
        client.post(reverse("insights:topic_note", args=[topic.pk]), note)
    page, three = page_queries(client, url, THIRTY_DAYS)

    html = page.content.decode()
    assert html.count('data-hotspot="RB01"') == 3
    assert [f"{n}号楼楼道堆物" in html for n in (1, 2, 3)] == [True, True, True]
    assert html.count("已联系业主清理") == 3
    assert len(three) == len(one), "\n".join(three)
