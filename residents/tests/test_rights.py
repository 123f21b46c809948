"""A resident's rights (PIPL Art. 44–47): to know who saw their data, to a copy of it, to ask
for a correction or a deletion, answered by a deadline; and the rules they agree to."""

import json
import re
from datetime import datetime, timedelta
from io import BytesIO

import pytest
import time_machine
from django.test import override_settings
from django.utils.html import strip_tags
from openpyxl import load_workbook

from cases import services as case_services
from core.errors import Conflict
from core.testing import SH, T0
from residents import services
from residents.models import PersonalDataAccess, RightsRequest, SmsMessage

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return re.sub(r"\s+", " ", strip_tags(response.content.decode()))


def _access_rows(response) -> list[str]:
    """The access log as the resident reads it, a line per view."""
    html = response.content.decode()
    rows = re.findall(r'<li class="[^"]*" data-access="\d+">(.*?)</li>', html, re.S)
    return [re.sub(r"\s+", " ", strip_tags(row)).strip() for row in rows]


@pytest.fixture
def me(report, world, client_for):
    """R1, who reports through `report`, signed in."""
    return client_for(world.resident_user)


# ---------------------------------------------------------------------------------------------
# Who saw my data


def test_the_resident_home_links_to_my_personal_data(world, resident_client):
    html = resident_client.get("/").content.decode()

    assert 'href="/residents/me/"' in html and "我的个人信息" in html


def test_my_page_lists_every_reveal_with_who_where_and_what(world, report, me, client_for):
    case = report()
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        client_for(world.grid_worker).post(f"/residents/{world.R1.pk}/reveal/")
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        client_for(world.manager).post(f"/cases/{case.pk}/contact/")

    rows = _access_rows(me.get("/residents/me/"))

    assert rows == [
        f"2026-11-25 11:00 · Wuye_Jingli（方圆物业） 诉求 {case.tracking_no} · 手机号码",
        "2026-11-25 10:00 · Wanggeyuan（第一网格） 居民名册 · 手机号码、身份证号、门牌号",
    ]


def test_my_page_shows_only_my_own_log(world, resident_client, client_for):
    client_for(world.secretary).post(f"/residents/{world.R2.pk}/reveal/")

    text = _text(resident_client.get("/residents/me/"))

    assert PersonalDataAccess.objects.count() == 1
    assert "还没有人查看过您的完整个人信息。" in text


def test_my_page_is_for_residents_only(world, client_for, client):
    assert client_for(world.secretary).get("/residents/me/").status_code == 404
    assert client.get("/residents/me/").status_code == 302


# ---------------------------------------------------------------------------------------------
# A copy of my data


def _exported(client, fmt):
    response = client.get(f"/residents/me/export.{fmt}")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    return response.content


def test_the_download_holds_my_profile_homes_cases_with_public_timelines_and_the_log(
    world, report, me, client_for
):
    case = report(text="楼道里堆满了杂物")
    case_services.case_accept(case=case, actor=world.manager, now=T0 + timedelta(minutes=5))
    case_services.case_reply(
        case=case, actor=world.manager, text="明天上午清理", now=T0 + timedelta(minutes=6)
    )
    case_services.case_reply(
        case=case, actor=world.manager, text="住户难沟通", public=False, now=T0
    )
    client_for(world.grid_worker).post(f"/residents/{world.R1.pk}/reveal/")

    data = json.loads(_exported(me, "json"))

    assert data["profile"]["mobile"] == "13905320001"
    assert data["profile"]["id_number"] == "370203195001010013"
    assert data["households"] == [
        {
            "estate": "方城路小区",
            "building": "1号楼",
            "unit": "1单元",
            "number": "101",
            "relation": "业主",
        }
    ]
    (mine,) = data["cases"]
    assert (mine["tracking_no"], mine["description"]) == (case.tracking_no, "楼道里堆满了杂物")
    assert [(e["action"], e["note"]) for e in mine["timeline"]] == [
        ("已提交", ""),
        ("已受理（签收）", ""),
        ("已答复", "明天上午清理"),
    ]
    assert [(a["by"], a["what"]) for a in data["access_log"]] == [
        ("Wanggeyuan", "手机号码、身份证号、门牌号")
    ]
    assert data["consents"] == [] and data["requests"] == [] and data["signups"] == []
    assert data["rules_version"] == "1.0"


def test_the_download_as_a_workbook_has_a_sheet_per_part(world, report, me):
    case = report()

    workbook = load_workbook(BytesIO(_exported(me, "xlsx")))

    assert workbook.sheetnames == [
        "我的信息",
        "我的房屋",
        "单独同意",
        "谁查看过我的信息",
        "更正和删除申请",
        "诉求",
        "诉求 · 办理过程",
        "我也遇到了的诉求",
        "活动报名",
        "关爱",
    ]
    cases = list(workbook["诉求"].values)
    assert cases[0][:2] == ("诉求编号", "提交时间") and cases[1][0] == case.tracking_no
    assert list(workbook["诉求 · 办理过程"].values)[1][:3] == (
        case.tracking_no,
        "2026-11-25 09:00",
        "居民",
    )


def test_a_download_in_an_unknown_format_is_missing(world, resident_client):
    assert resident_client.get("/residents/me/export.exe").status_code == 404


# ---------------------------------------------------------------------------------------------
# Correction and deletion, answered by a deadline


def test_a_request_is_due_in_fifteen_working_days(world, resident_client):
    with time_machine.travel(T0, tick=False):
        response = resident_client.post(
            "/residents/me/", {"kind": "correction", "text": "手机号已换成13905320099"}
        )

    request = RightsRequest.objects.get()
    assert response.status_code == 302
    assert (request.resident, request.kind, request.state) == (world.R1, "correction", "open")
    assert request.due_at == datetime(2026, 12, 16, 9, 0, tzinfo=SH)


@override_settings(RIGHTS_REQUEST_WORKING_DAYS=3)
def test_the_deadline_skips_the_weekend_and_follows_the_setting(world, resident_client):
    with time_machine.travel(datetime(2026, 11, 27, 16, 0, tzinfo=SH), tick=False):  # a Friday
        resident_client.post("/residents/me/", {"kind": "deletion", "text": "删除我的门牌号"})

    assert RightsRequest.objects.get().due_at == datetime(2026, 12, 2, 16, 0, tzinfo=SH)


def test_an_empty_request_says_so_and_files_nothing(world, resident_client):
    response = resident_client.post("/residents/me/", {"kind": "deletion", "text": "  "})

    assert response.status_code == 400
    assert "此项必填。" in _text(response)
    assert RightsRequest.objects.count() == 0


def test_staff_answer_a_request_in_their_scope_and_the_resident_reads_it(
    world, resident_client, client_for, django_capture_on_commit_callbacks
):
    request = services.rights_request_submit(
        user=world.resident_user,
        kind="correction",
        text="名字写错了，应为居民一",
        now=T0 - timedelta(days=30),
    )
    grid = client_for(world.grid_worker)
    with time_machine.travel(T0, tick=False):
        queue = _text(grid.get("/residents/requests/"))
        with django_capture_on_commit_callbacks(execute=True):
            answered = grid.post(
                f"/residents/requests/{request.pk}/", {"done": "1", "answer": "已改为居民一"}
            )

    assert "更正我的信息 · 居民1" in queue and "已逾期" in queue
    assert answered.status_code == 302
    request.refresh_from_db()
    assert (request.state, request.answered_by, request.answer) == (
        "done",
        world.grid_worker,
        "已改为居民一",
    )
    assert request.answered_at == T0
    assert "已有答复" in SmsMessage.objects.get(mobile=world.R1.mobile).body
    mine = _text(resident_client.get("/residents/me/"))
    assert "2026-11-16 前答复 已改为居民一Wanggeyuan · 2026-11-25 09:00" in mine


def test_requests_outside_the_scope_look_missing(world, resident_client, client_for):
    request = services.rights_request_submit(user=world.resident_user, kind="deletion", text="x")
    other = client_for(world.other_manager)

    assert f'data-request="{request.pk}"' not in other.get("/residents/requests/").content.decode()
    assert other.get(f"/residents/requests/{request.pk}/").status_code == 404
    assert (
        other.post(f"/residents/requests/{request.pk}/", {"done": "1", "answer": "x"}).status_code
        == 404
    )
    assert client_for(world.technician).get("/residents/requests/").status_code == 403
    assert RightsRequest.objects.get().state == "open"


def test_a_request_is_answered_once(world, resident_client):
    request = services.rights_request_submit(user=world.resident_user, kind="deletion", text="x")
    services.rights_request_answer(request=request, actor=world.secretary, done=False, answer="a")

    with pytest.raises(Conflict):
        services.rights_request_answer(
            request=request, actor=world.community, done=True, answer="b"
        )

    request.refresh_from_db()
    assert (request.state, request.answer, request.answered_by) == ("refused", "a", world.secretary)


# ---------------------------------------------------------------------------------------------
# The rules


def test_the_rules_are_a_public_page_that_says_what_the_settings_do(client):
    text = _text(client.get("/privacy/"))

    assert "红管家平台个人信息处理规则" in text and "第 1.0 版 · 2026年12月1日发布施行" in text
    assert "办结关闭满 1095 天（约 3.0 年）后" in text
    assert "服务结束（包括您撤回单独同意）满 365 天后" in text
    assert "工作人员在 15 个工作日内答复" in text
    assert "登录验证码在生成 1 天后删除" in text


@override_settings(CASE_RETENTION_DAYS=730, RIGHTS_REQUEST_WORKING_DAYS=10)
def test_the_rules_follow_the_retention_settings(client):
    text = _text(client.get("/privacy/1.0/"))

    assert "办结关闭满 730 天（约 2.0 年）后" in text and "在 10 个工作日内答复" in text


def test_an_unknown_version_of_the_rules_is_missing(client):
    assert client.get("/privacy/0.9/").status_code == 404


def test_the_sign_in_consent_links_the_rules_and_records_their_version(
    world, client, django_capture_on_commit_callbacks
):
    page = client.get("/accounts/resident/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/resident/code/", {"mobile": world.R1.mobile})
    code = re.search(r"\d{6}", SmsMessage.objects.get().body).group()

    client.post("/accounts/resident/", {"mobile": world.R1.mobile, "code": code, "consent": "on"})

    assert 'href="/privacy/"' in page and "《个人信息处理规则》（第1.0版）" in page
    world.R1.refresh_from_db()
    assert world.R1.consent_version == "1.0"
