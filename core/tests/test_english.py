"""In English, the catalogue's names and what the system wrote in a timeline read in English;
in Chinese they read as before. (Places, people and what people wrote are data: as entered.)"""

import importlib
import re
from datetime import date, datetime, timedelta

import pytest
from django.apps import apps
from django.urls import reverse

from cases import services, worker
from catalog.models import Category, Domain, Item, ServiceList
from catalog.services import calendar_year_enter
from core.testing import SH, T0

pytestmark = pytest.mark.django_db

english_names = importlib.import_module("catalog.migrations.0009_seed_english_names")


def _page(client, url, *, english):
    if english:
        client.cookies["django_language"] = "en"
    return client.get(url).content.decode()


def _timeline(html, action) -> str:
    entry = re.search(
        rf'<li[^>]*data-action="{action}"[^>]*>.*?<div>(.*?)</div>\s*</li>', html, re.S
    )
    return entry[1]


@pytest.fixture
def handled(world, report):
    """A case filed as 楼道堆物, accepted, assigned, corrected to 消防通道占用, with a
    duplicate merged in, then escalated twice when its resolution clock ran out."""
    case = report(code="RB06", now=T0)
    services.case_accept(case=case, actor=world.manager, now=T0)
    services.case_assign(case=case, actor=world.manager, assignee=world.technician, now=T0)
    services.case_reply(case=case, actor=world.manager, text="师傅下午上门清理", now=T0)
    services.case_reclassify(case=case, actor=world.secretary, item=Item.objects.get(code="RB05"))
    duplicate = report(code="RB05", text="消防通道被杂物堵住了", now=T0)
    services.case_merge(case=duplicate, into=case, actor=world.secretary)
    assert worker.escalate_due(now=T0 + timedelta(days=30)) == 1  # 1号微网格 → 第一网格
    assert worker.escalate_due(now=T0 + timedelta(days=32)) == 1  # 第一网格 → 方城路社区
    case.refresh_from_db()
    return case, duplicate


def test_the_case_page_in_english_names_the_item_and_says_what_the_system_did(
    world, handled, client_for
):
    case, duplicate = handled

    html = _page(client_for(world.secretary), reverse("cases:detail", args=[case.pk]), english=True)

    assert f"{case.tracking_no} · Blocked fire lane</h1>" in html
    assert ">Blue: safety and a pleasant environment</span>" in html
    assert _timeline(html, "assign") == "<strong>Assigned</strong>: Wuye_Weixiu"
    assert _timeline(html, "reply") == "<strong>Replied</strong>: 师傅下午上门清理"
    assert _timeline(html, "reclassify") == (
        "<strong>Item corrected</strong>: Things stored in the stairwell → Blocked fire lane"
    )
    assert _timeline(html, "merged_in") == (
        f"<strong>A duplicate was merged in</strong>: {duplicate.tracking_no}"
    )
    escalations = re.findall(r'data-action="escalate"[^>]*>.*?<div>(.*?)</div>', html, re.S)
    assert escalations == [
        "<strong>Escalated</strong>: to 第一网格 (resolution deadline passed)",
        "<strong>Escalated</strong>: to 方城路社区 (resolution deadline passed)",
    ]
    assert not re.search("已指派|已升级|楼道堆物|消防通道占用|蓝色安全境美", html)


def test_the_case_page_in_chinese_reads_as_before_without_repeating_the_action(
    world, handled, client_for
):
    case, duplicate = handled

    html = _page(
        client_for(world.secretary), reverse("cases:detail", args=[case.pk]), english=False
    )

    assert f"{case.tracking_no} · 消防通道占用</h1>" in html
    assert ">蓝色安全境美</span>" in html
    assert _timeline(html, "assign") == "<strong>已指派</strong>：Wuye_Weixiu"
    assert _timeline(html, "reclassify") == "<strong>事项已更正</strong>：楼道堆物 → 消防通道占用"
    assert _timeline(html, "merged_in") == (
        f"<strong>重复诉求已并入</strong>：{duplicate.tracking_no}"
    )
    assert _timeline(html, "escalate") == "<strong>已升级</strong>：至第一网格（超过办结时限）"
    merged = _page(
        client_for(world.secretary), reverse("cases:detail", args=[duplicate.pk]), english=False
    )
    assert _timeline(merged, "merge") == f"<strong>已合并至其他诉求</strong>：{case.tracking_no}"


def test_a_note_someone_wrote_on_a_correction_is_shown_as_written(world, report, client_for):
    case = report(code="RB06")
    services.case_reclassify(
        case=case, actor=world.secretary, item=Item.objects.get(code="RB05"), note="居民说堵了通道"
    )

    html = _page(client_for(world.secretary), reverse("cases:detail", args=[case.pk]), english=True)

    assert _timeline(html, "reclassify") == "<strong>Item corrected</strong>: 居民说堵了通道"


def test_recomputed_clocks_are_explained_in_the_readers_language(world, report, client_for):
    case = report(now=T0)
    services.case_accept(case=case, actor=world.manager, now=T0)
    services.case_resolve(case=case, actor=world.manager, note="已清理", now=T0)
    reopened = datetime(2026, 12, 28, 9, tzinfo=SH)  # five working days run into 2027
    services.case_rate(
        case=case, user=world.resident_user, rating="dissatisfied", reopen=True, now=reopened
    )
    calendar_year_enter(year=2027, days={date(2027, 1, 1): (False, "元旦")}, source="国务院办公厅")
    assert worker.recompute_provisional(now=reopened + timedelta(days=1)) == 1
    url = reverse("cases:detail", args=[case.pk])

    english = _page(client_for(world.secretary), url, english=True)
    chinese = _page(client_for(world.secretary), url, english=False)

    assert _timeline(english, "note") == (
        "<strong>Internal note</strong>: Deadlines recomputed with the official holiday schedule."
    )
    assert _timeline(chinese, "note") == (
        "<strong>内部备注</strong>：已按正式公布的节假日安排重新计算时限。"
    )


def test_the_inbox_in_english_lists_english_item_and_domain_names(world, report, client_for):
    report(code="RB15", text="楼道水管漏水")
    url = reverse("cases:inbox") + "?tab=all"

    english = _page(client_for(world.secretary), url, english=True)
    chinese = _page(client_for(world.secretary), url, english=False)

    assert ">Blue</span> Water leak indoors or in the stairwell</td>" in english
    assert ">蓝色</span> 室内楼道漏水跑水</td>" in chinese
    assert (
        '<option value="{}">RB15 Water leak indoors or in the stairwell</option>'.format(
            Item.objects.get(code="RB15").pk
        )
        in english
    )


def test_the_published_lists_in_english(client, catalogue):
    english = _page(client, reverse("catalog:public") + "?q=RB15", english=True)
    client.cookies.clear()
    chinese = _page(client, reverse("catalog:public") + "?q=RB15", english=False)

    for text in (
        "Red Butler property services",
        "Facilities and equipment",
        "Water leak indoors or in the stairwell",
        "Blue: safety and a pleasant environment",
    ):
        assert text in english
    for text in ("物业红管家服务清单", "设施设备", "室内楼道漏水跑水", "蓝色安全境美"):
        assert text in chinese and text not in english


def test_the_published_lists_find_an_item_by_its_english_name(client, catalogue):
    html = _page(client, reverse("catalog:public") + "?q=lift", english=True)

    assert "Person trapped in a lift" in html and "Lift breakdown" in html


def test_the_dashboard_in_english_names_the_domains(world, report, client_for):
    report(code="RB15", text="楼道水管漏水")

    url = reverse("insights:dashboard") + "?period=custom&since=2026-11-01&until=2026-11-30"

    english = _page(client_for(world.secretary), url, english=True)
    chinese = _page(client_for(world.secretary), url, english=False)

    assert ">Blue: safety and a pleasant environment</span> 1</li>" in english
    assert ">蓝色安全境美</span> 1</li>" in chinese
    assert '"name": "Green: low-carbon ecology"' in english


def test_the_migration_names_in_english_only_what_is_still_as_seeded(catalogue):
    english_names.clear_english_names(apps, None)
    assert set(Item.objects.values_list("name_en", flat=True)) == {""}
    Item.objects.filter(code="RB15").update(name="楼道漏水（本小区叫法）")  # the admin's own
    Item.objects.filter(code="RB16").update(name_en="Stuck in the lift")  # the admin's own
    Domain.objects.filter(code="red").update(name="红色引领")

    english_names.seed_english_names(apps, None)

    names = dict(Item.objects.values_list("code", "name_en"))
    assert (names["RB15"], names["RB16"], names["RB17"]) == (
        "",
        "Stuck in the lift",
        "Lift breakdown",
    )
    assert Item.objects.get(code="RB15").name == "楼道漏水（本小区叫法）"
    assert dict(Domain.objects.values_list("code", "name_en"))["red"] == ""
    assert ServiceList.objects.get(code="convenience").name_en == "Convenience services"
    assert Category.objects.get(code="cv_errands").name_en == "Errands"
    assert Item.objects.exclude(name_en="").count() == Item.objects.count() - 1
