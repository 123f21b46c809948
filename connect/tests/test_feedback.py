"""For a hotline that only has a portal: each order's feedback sheet in the hotline's terms,
the staff list of orders whose answer is due, and the workbook of today's answers; in the
staff member's scope only."""

import html
import re
from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cases import services
from cases.services import case_submit
from catalog.models import Item
from connect import services as connect_services
from connect.models import ExternalOrder
from core.testing import page_queries

pytestmark = pytest.mark.django_db
MINUTE = timedelta(minutes=1)


@pytest.fixture
def portal(world, system):
    """A hotline with only a portal: its orders are answered by hand."""
    system.endpoint_url = ""
    system.save()
    return system


def _hm(at):
    return f"{timezone.localtime(at):%Y-%m-%d %H:%M}"


def _textarea(page):
    return html.unescape(re.search(r"<textarea[^>]*>(.*?)</textarea>", page, re.S).group(1))


def test_the_feedback_sheet_says_what_to_paste_in_the_hotline_s_terms(
    world, portal, hotline_order, client_for
):
    t0 = timezone.now()
    case = hotline_order("P-1", now=t0)
    services.case_accept(case=case, actor=world.manager, now=t0 + MINUTE)
    services.case_reply(case=case, actor=world.manager, text="已联系保洁", now=t0 + 2 * MINUTE)
    new_due = case.resolution_due + timedelta(days=2)
    services.case_request_extension(
        case=case,
        actor=world.manager,
        reason="需等业委会确认",
        new_due=new_due,
        now=t0 + 3 * MINUTE,
    )
    services.case_resolve(
        case=case, actor=world.manager, note="杂物已清理完毕", now=t0 + 4 * MINUTE
    )
    order = ExternalOrder.objects.get(case=case)

    page = client_for(world.community).get(reverse("connect:feedback", args=[order.pk]))

    assert _textarea(page.content.decode()) == "\n".join(
        [
            "工单编号：P-1",
            f"诉求编号：{case.tracking_no}",
            f"签收：{_hm(t0 + MINUTE)}，Wuye_Jingli（方圆物业公司）",
            f"阶段反馈：{_hm(t0 + 2 * MINUTE)} 已联系保洁",
            f"延期申请：需等业委会确认，申请延期至 {_hm(new_due)}",
            "办理结果：杂物已清理完毕",
            f"办结时间：{_hm(t0 + 4 * MINUTE)}",
        ]
    )


def test_a_return_request_is_on_the_sheet_with_its_reason(world, portal, hotline_order, client_for):
    case = hotline_order("P-1")
    services.case_return(case=case, actor=world.manager, reason="wrong_location", note="在隔壁小区")
    order = ExternalOrder.objects.get(case=case)

    page = client_for(world.community).get(reverse("connect:feedback", args=[order.pk]))

    assert "退单申请：属地不符。在隔壁小区" in _textarea(page.content.decode())


def test_nobody_sees_the_sheet_of_an_order_outside_their_scope(
    world, portal, hotline_order, client_for, resident_client
):
    order = ExternalOrder.objects.get(case=hotline_order("P-1"))
    url = reverse("connect:feedback", args=[order.pk])

    assert client_for(world.other_manager).get(url).status_code == 404
    assert client_for(world.nobody).get(url).status_code == 404
    assert resident_client.get(url).status_code == 404
    assert client_for(world.manager).get(url).status_code == 200


def _other_community_order(world, now):
    other, _ = connect_services.system_create(name="武定路热线", kind="hotline", community=world.C2)
    case = case_submit(
        item=Item.objects.get(code="RB01"),
        description="路灯不亮",
        channel="hotline",
        created_by=other.user,
        estate=world.E3,
        building=world.B3,
        now=now,
    )
    return ExternalOrder.objects.create(
        system=other,
        number="W-1",
        case=case,
        state="filed",
        source="api",
        content="路灯不亮",
        sign_by=now,
        received_at=now,
    )


def _rows(page):
    return re.findall(r'<tr data-order="([^"]+)">', page)


def test_the_list_shows_the_answer_each_open_order_owes_nearest_deadline_first(
    world, portal, hotline_order, client_for
):
    now = timezone.now()
    late = hotline_order("P-late", now=now)
    ExternalOrder.objects.filter(case=late).update(sign_by=now - MINUTE)
    signed = hotline_order("P-signed", now=now)
    services.case_accept(case=signed, actor=world.manager)
    ExternalOrder.objects.filter(case=signed).update(answer_by=now + timedelta(days=20))
    done = hotline_order("P-done", now=now)
    services.case_accept(case=done, actor=world.manager)
    services.case_resolve(case=done, actor=world.manager, note="已清理")
    waiting = hotline_order("P-new", now=now)
    ExternalOrder.objects.filter(case=waiting).update(sign_by=now + timedelta(hours=2))
    _other_community_order(world, now)

    page = client_for(world.community).get(reverse("connect:answers_due")).content.decode()

    assert _rows(page) == ["P-late", "P-new", "P-signed"]
    late_row = page.split('data-order="P-late"')[1].split("</tr>")[0]
    assert "签收" in late_row and "已超期" in late_row and "仅门户" in late_row
    signed_row = page.split('data-order="P-signed"')[1].split("</tr>")[0]
    assert "办结" in signed_row and "已超期" not in signed_row


def test_the_workbook_holds_every_answer_due_by_the_end_of_today(
    world, portal, hotline_order, client_for
):
    now = timezone.now()
    today = hotline_order("P-today", now=now)
    services.case_accept(case=today, actor=world.manager, now=now)
    services.case_reply(case=today, actor=world.manager, text="已安排", now=now)
    ExternalOrder.objects.filter(case=today).update(answer_by=now - MINUTE)
    later = hotline_order("P-later", now=now)
    ExternalOrder.objects.filter(case=later).update(sign_by=now + timedelta(days=3))

    response = client_for(world.community).get(reverse("connect:answers_today"))

    rows = list(load_workbook(BytesIO(response.content)).active.values)
    assert rows == [
        (
            "工单编号",
            "诉求编号",
            "应答事项",
            "时限",
            "签收",
            "阶段反馈",
            "退单申请",
            "延期申请",
            "办理结果",
            "办结时间",
        ),
        (
            "P-today",
            today.tracking_no,
            "办结",
            _hm(now - MINUTE),
            f"{_hm(now)}，Wuye_Jingli（方圆物业公司）",
            f"{_hm(now)} 已安排",
            None,
            None,
            None,
            None,
        ),
    ]


def test_the_list_reads_the_same_number_of_rows_with_one_order_or_three(
    world, portal, hotline_order, client_for
):
    client = client_for(world.community)
    url = reverse("connect:answers_due")
    hotline_order("Q-1")
    _, one = page_queries(client, url)
    hotline_order("Q-2")
    hotline_order("Q-3")
    response, three = page_queries(client, url)

    assert len(_rows(response.content.decode())) == 3
    assert len(three) == len(one)
