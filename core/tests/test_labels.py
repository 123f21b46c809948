"""Labels read in context as a community worker (or a resident) reads them: one word per idea
(DESIGN.md §3), buttons that say what they do, Chinese punctuation in Chinese."""

import re

import pytest
from django.urls import reverse

from cases import services

pytestmark = pytest.mark.django_db


def _summaries(html) -> list[str]:
    return re.findall(r'<summary class="card-header py-2">(.*?)</summary>', html)


def test_the_case_page_buttons_say_what_they_do(world, report, client_for):
    case = report()
    services.case_accept(case=case, actor=world.manager)
    html = client_for(world.manager).get(reverse("cases:detail", args=[case.pk])).content.decode()

    assert "记录首次联系" in _summaries(html) and "已联系居民" not in _summaries(html)
    assert "退单" in _summaries(html) and "退回" not in _summaries(html)


def test_a_closed_step_is_called_结案_and_a_reopened_case_重新办理中(world, report, client_for):
    case = report()
    services.case_accept(case=case, actor=world.manager)
    services.case_resolve(case=case, actor=world.manager, note="已清理")
    secretary = client_for(world.secretary)
    resolved = secretary.get(reverse("cases:detail", args=[case.pk])).content.decode()
    services.case_rate(case=case, user=world.resident_user, rating="dissatisfied", reopen=True)
    reopened = secretary.get(reverse("cases:detail", args=[case.pk])).content.decode()

    assert "结案" in _summaries(resolved) and "关闭" not in _summaries(resolved)
    assert '<span class="badge text-bg-danger" data-status="reopened">重新办理中</span>' in reopened
    assert re.search(r'data-action="reopen".*?<strong>重新办理</strong>', reopened, re.S)


def test_the_inbox_tabs_use_the_words_of_the_ladder(world, report, client_for):
    html = client_for(world.secretary).get(reverse("cases:inbox")).content.decode()

    tabs = re.findall(r'data-tab="\w+">\s*([^<\s]+)', html)
    assert tabs == ["待受理", "办理中", "即将超期", "已超期", "已督办", "待回访", "已办结", "全部"]
    assert "只看我的" in html and ">诉求编号</th>" in html


def test_a_resident_is_given_a_case_number_not_an_acceptance_number(world, report, client_for):
    response = client_for(world.resident_user).post(
        reverse("cases:report"),
        {
            "item": "RB01",
            "description": "楼道里堆满了杂物",
            "building": world.B1.pk,
            "idempotency_key": "k-labels-1",
        },
        follow=True,
    )

    html = response.content.decode()
    assert "已提交，您的诉求编号是 FC" in html and "受理编号" not in html
    assert "社区和物业企业会尽快受理。" in html


def test_selects_ask_to_choose_instead_of_showing_dashes(world, report, client_for):
    html = client_for(world.resident_user).get(reverse("cases:report")).content.decode()

    assert '<option value="" selected>不在楼里：小区公共区域</option>' in html
    assert "---------" not in html


def test_a_monthly_topic_has_a_title_not_a_job_title():
    from insights.models import MonthlyTopic
    from orgs.models import StaffMembership

    assert str(MonthlyTopic._meta.get_field("title").verbose_name) == "标题"
    assert str(StaffMembership._meta.get_field("title").verbose_name) == "职务"


def test_a_period_is_shown_as_its_first_and_last_day(world, catalogue, client_for):
    november = {"period": "custom", "since": "2026-11-01", "until": "2026-11-30"}
    html = client_for(world.secretary).get(reverse("insights:dashboard"), november)

    assert "统计时段：2026-11-01 至 2026-11-30</p>" in html.content.decode()


def test_chinese_pages_use_chinese_punctuation_and_english_pages_english(world, report, client_for):
    case = report(contact_name="王秀兰")
    services.case_accept(case=case, actor=world.manager)
    url = reverse("cases:detail", args=[case.pk])
    chinese = client_for(world.manager).get(url).content.decode()
    english_client = client_for(world.manager)
    english_client.cookies["django_language"] = "en"
    english = english_client.get(url).content.decode()

    assert re.search(r"联系人：王秀兰", chinese) and re.search(
        r"（\d\d-\d\d \d\d:\d\d 已受理）", chinese
    )
    assert re.search(r"Contact: 王秀兰", english) and re.search(r" \(accepted \d\d-\d\d", english)
    assert "：" not in re.sub(r"<p class=\"mb-2\">.*?</p>", "", english)


def test_staff_filing_for_a_resident_are_not_asked_about_my_home(world, catalogue, client_for):
    html = client_for(world.community).get(reverse("cases:staff_new")).content.decode()

    assert '<label class="form-label" for="id_household">在居民家中</label>' in html
    assert "在我家" not in html
