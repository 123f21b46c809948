import re
from datetime import date, timedelta
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from catalog.models import Item
from core.testing import T0
from insights.models import MonthlyTopic
from insights.services import topic_create
from insights.tests.conftest import at

pytestmark = pytest.mark.django_db
NOVEMBER = {"period": "custom", "since": "2026-11-01", "until": "2026-11-30"}


def _figure(html, name):
    return re.search(rf'data-figure="{name}">([^<]*)<', html).group(1)


def test_dashboard_shows_the_three_rates_for_the_scope(history, world, client_for):
    html = client_for(world.secretary).get(reverse("insights:dashboard"), NOVEMBER).content.decode()

    assert "响应率" in html
    assert (
        _figure(html, "response_rate"),
        _figure(html, "resolution_rate"),
        _figure(html, "satisfaction_rate"),
        _figure(html, "composite"),
    ) == ("40.0%", "100.0%", "50.0%", "64.5")
    assert 'id="chart-data"' in html and "echarts" in html


def test_dashboard_for_another_company_counts_nothing(history, world, client_for):
    html = (
        client_for(world.other_manager)
        .get(reverse("insights:dashboard"), NOVEMBER)
        .content.decode()
    )

    assert _figure(html, "received") == "0"


def test_click_through_lists_the_cases_behind_the_figure(history, world, client_for):
    html = (
        client_for(world.secretary)
        .get(reverse("insights:metric_cases", args=["responded"]), NOVEMBER)
        .content.decode()
    )

    assert 'data-count="2"' in html
    assert history["b"].tracking_no in html and history["e"].tracking_no in html
    assert history["c"].tracking_no not in html


def test_a_link_saved_under_the_figures_old_name_still_lists_its_cases(history, world, client_for):
    client = client_for(world.secretary)

    old = client.get("/insights/cases/dispatched/", NOVEMBER)

    assert old.status_code == 302
    assert old["Location"] == (
        "/insights/cases/received/?period=custom&since=2026-11-01&until=2026-11-30"
    )
    assert 'data-count="5"' in client.get(old["Location"]).content.decode()


def test_dashboard_bad_input_never_fails(history, world, client_for):
    client = client_for(world.secretary)
    for params, told in (
        (
            {"period": "custom", "since": "2026-12-01", "until": "2026-01-01"},
            "开始日期须早于结束日期",
        ),
        ({"period": "nonsense", "unit": "abc", "domain": "purple"}, 'data-error="unit"'),
        ({"period": "custom", "since": "2000-01-01", "until": "2026-01-01"}, "时段最长三年。"),
    ):
        response = client.get(reverse("insights:dashboard"), params)
        assert response.status_code == 200
        assert told in response.content.decode(), params
    assert client.get(reverse("insights:metric_cases", args=["bogus"])).status_code == 404


def test_a_bad_filter_is_named_and_the_others_still_apply(history, world, client_for):
    client = client_for(world.secretary)
    autumn = {"period": "custom", "since": "2026-10-01", "until": "2026-11-30"}
    good = client.get(reverse("insights:dashboard"), autumn).content.decode()
    with_bad_unit = client.get(
        reverse("insights:dashboard"), {**autumn, "unit": "99999"}
    ).content.decode()
    inverted = client.get(
        reverse("insights:dashboard"), {**autumn, "since": "2026-12-01"}
    ).content.decode()

    assert 'data-error="unit"' in with_bad_unit and 'data-error="unit"' not in good
    assert "2026-10-01 至 2026-11-30" in good and "2026-10-01 至 2026-11-30" in with_bad_unit
    assert _figure(with_bad_unit, "received") == _figure(good, "received") != "0"
    assert "开始日期须早于结束日期" in inverted and "2026-10-01 至" not in inverted


def test_dashboard_refused_to_residents(world, client_for, catalogue):
    assert client_for(world.nobody).get(reverse("insights:dashboard")).status_code == 404


def test_rankings_order_companies_by_composite(history, world, client_for):
    html = client_for(world.admin).get(reverse("insights:rankings"), NOVEMBER).content.decode()

    assert "方圆物业" in html and "64.5" in html


def test_monthly_report_page_and_workbook(history, world, client_for):
    client = client_for(world.secretary)
    page = client.get(reverse("insights:report"), {"month": "2026-11"}).content.decode()
    response = client.get(reverse("insights:report"), {"month": "2026-11", "format": "xlsx"})

    assert "2026-11" in page
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == ["汇总", "按单位", "按物业企业", "按事项", "已超期"]
    summary = list(workbook["汇总"].iter_rows(values_only=True))
    assert summary[2][:5] == (5, 40.0, 100.0, 50.0, 64.5)


def test_monthly_report_bad_month_falls_back(world, client_for, catalogue):
    with time_machine.travel(T0, tick=False):  # in November 2026
        response = client_for(world.secretary).get(reverse("insights:report"), {"month": "2026-13"})

    assert response.status_code == 200
    assert 'name="month" value="2026-10"' in response.content.decode()  # last month


def test_transparency_page_is_public_and_has_no_personal_data(history, world, client):
    html = client.get(reverse("transparency")).content.decode()

    assert "方城路社区" in html and 'data-public="resolved"' in html
    assert world.R1.mobile not in html and world.R1.name not in html
    assert history["a"].tracking_no not in html


def test_pages_taking_ids_from_the_query_answer_bad_ones_without_an_error(
    report, world, client, client_for
):
    for bad in ("abc", "9" * 30):  # the first community's figures
        page = client.get(reverse("transparency"), {"community": bad})
        assert page.status_code == 200
        html = page.content.decode()
        assert f'<option value="{world.C1.pk}" selected>' in html
        assert 'data-public="resolved"' in html
    url = reverse("insights:topic_new")
    for bad in ("abc", "１２", "-1", "9" * 30):
        response = client_for(world.secretary).get(url, {"estate": bad, "item": bad})
        assert response.status_code == 404


def test_screen_refreshes_itself(history, world, client_for):
    html = client_for(world.secretary).get(reverse("insights:screen")).content.decode()

    assert 'http-equiv="refresh"' in html


def test_hotspots_rank_recurring_problems_and_make_a_topic(report, world, client_for):
    for n in range(4):
        report(now=at(11, 3 + n))
    client = client_for(world.secretary)

    html = client.get(reverse("insights:hotspots"), NOVEMBER).content.decode()
    assert 'data-hotspot="RB01"' in html

    item = Item.objects.get(code="RB01")
    response = client.post(
        reverse("insights:topic_new")
        + f"?estate={world.E1.pk}&item={item.pk}&building={world.B1.pk}",
        {"title": "1号楼楼道堆物", "target_date": "2026-12-31", "owner": world.grid_worker.pk},
    )
    assert response.status_code == 302
    topic = MonthlyTopic.objects.get()
    assert (topic.owner, topic.building) == (world.grid_worker, world.B1)
    client.post(
        reverse("insights:topic_note", args=[topic.pk]), {"text": "已联系业主清理", "done": "on"}
    )
    topic.refresh_from_db()
    assert topic.state == "done" and topic.notes.count() == 1


def test_topic_creation_refused_to_other_roles_and_outside_scope(report, world, client_for):
    item = Item.objects.get(code="RB01")
    url = reverse("insights:topic_new")

    assert (
        client_for(world.manager).get(f"{url}?estate={world.E1.pk}&item={item.pk}").status_code
        == 403
    )
    assert (
        client_for(world.secretary).get(f"{url}?estate={world.E3.pk}&item={item.pk}").status_code
        == 404
    )
    form = client_for(world.secretary).get(f"{url}?estate={world.E1.pk}&item={item.pk}")
    assert form.status_code == 200
    assert f'name="title" value="{world.E1.name}{item.name}"' in form.content.decode()


def test_dashboard_slices_by_item_channel_and_micro_grid(history, world, client_for):
    client = client_for(world.secretary)

    by_item = client.get(
        reverse("insights:dashboard"), {**NOVEMBER, "item": "RB02"}
    ).content.decode()
    by_channel = client.get(
        reverse("insights:dashboard"), {**NOVEMBER, "channel": "phone"}
    ).content.decode()
    by_microgrid = client.get(
        reverse("insights:dashboard"), {**NOVEMBER, "unit": world.M1.pk}
    ).content.decode()

    assert _figure(by_item, "received") == "0"
    assert _figure(by_channel, "received") == "0"
    assert _figure(by_microgrid, "received") == "5"


def test_a_monthly_topic_outside_the_scope_is_neither_shown_nor_noted(world, catalogue, client_for):
    topic = topic_create(
        actor=world.secretary,
        estate=world.E1,
        building=None,
        item=Item.objects.get(code="RB01"),
        title="方城路小区楼道堆物",
        target_date=date(2026, 12, 31),
        owner=world.grid_worker,
    )
    outsider = client_for(world.other_manager)  # 德润物业: 华城苑 only

    hotspots = outsider.get(reverse("insights:hotspots")).content.decode()
    refused = outsider.post(reverse("insights:topic_note", args=[topic.pk]), {"text": "看看"})

    assert "方城路小区楼道堆物" not in hotspots
    assert refused.status_code == 404 and topic.notes.count() == 0
    shown = client_for(world.secretary).get(reverse("insights:hotspots")).content.decode()
    assert f'data-topic="{topic.pk}"' in shown and "方城路小区楼道堆物" in shown


def test_a_topic_counts_the_complaints_30_days_either_side_of_being_taken_up(
    report, world, client_for
):
    item = Item.objects.get(code="RB01")
    whole_estate = topic_create(
        actor=world.secretary,
        estate=world.E1,
        building=None,
        item=item,
        title="方城路小区楼道堆物",
        target_date=date(2027, 12, 31),
        owner=world.grid_worker,
    )
    one_building = topic_create(
        actor=world.secretary,
        estate=world.E1,
        building=world.B1,
        item=item,
        title="1号楼楼道堆物",
        target_date=date(2027, 12, 31),
        owner=world.grid_worker,
    )
    taken_up = whole_estate.created_at
    for days, building in [(-31, world.B1), (-10, world.B1), (-3, None), (5, world.B1), (31, None)]:
        report(now=taken_up + timedelta(days=days), building=building)
    report(now=taken_up - timedelta(days=2), code="RB02")  # another item
    client = client_for(world.secretary)
    client.cookies["django_language"] = "en"

    html = client.get(reverse("insights:hotspots")).content.decode()
    note = client.post(
        reverse("insights:topic_note", args=[one_building.pk]),
        {"text": "已联系业主清理"},
        headers={"HX-Request": "true"},
    ).content.decode()

    cards = re.findall(r"complaints 30 days before: (\d+), after: (\d+)", html)
    assert sorted(cards) == [("1", "1"), ("2", "1")]  # the building's; the whole estate's
    assert re.findall(r"complaints 30 days before: (\d+), after: (\d+)", note) == [("1", "1")]
