"""The staff pages of orders coming in, for people in and out of scope: the queue, placing,
the order panel on a case page, the file import."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from cases.models import Case
from connect.intake import OrderData, order_receive
from connect.models import ExternalOrder, OrderImport

pytestmark = pytest.mark.django_db


def _queued(hotline, number="QD001", address="9栋2单元602室"):
    order, _created = order_receive(
        system=hotline,
        data=OrderData(number=number, content="楼道灯坏了", address=address),
    )
    return order


def test_the_queue_lists_the_community_s_unplaced_orders_and_only_to_its_staff(
    world, hotline, client_for
):
    order = _queued(hotline)

    page = client_for(world.community).get("/connect/orders/")
    assert page.status_code == 200
    assert f'data-order="{order.number}"' in page.content.decode()
    for outsider in (world.grid_worker, world.other_manager, world.nobody):
        answer = client_for(outsider).get("/connect/orders/")
        assert order.number not in answer.content.decode()
        assert client_for(outsider).get(f"/connect/orders/{order.pk}/place/").status_code == 404


def test_placing_files_the_case_and_another_community_cannot(world, hotline, client_for):
    order = _queued(hotline)
    outsider = _c2_staff(world)
    url = f"/connect/orders/{order.pk}/place/"

    refused = client_for(outsider).post(url, {"estate": world.E1.pk})
    placed = client_for(world.community).post(
        url, {"estate": world.E1.pk, "building": world.B1.pk, "household": world.H1.pk}
    )

    assert refused.status_code == 404
    case = Case.objects.get()
    assert placed.status_code == 302 and placed["Location"] == f"/cases/{case.pk}/"
    assert (case.household, case.external_no) == (world.H1, "QD001")
    order.refresh_from_db()
    assert (order.state, order.placed_by) == ("filed", world.community)


def test_the_place_form_offers_only_the_user_s_places_and_a_building_s_households(
    world, hotline, client_for
):
    order = _queued(hotline, address="方城路小区30号楼")  # the estate, with no such building
    staff = client_for(world.community)
    url = f"/connect/orders/{order.pk}/place/"

    page = staff.get(url).content.decode()
    chained = staff.get(
        url, {"estate": world.E1.pk, "building": world.B1.pk}, HTTP_HX_REQUEST="true"
    )

    assert f'<option value="{world.E1.pk}" selected>方城路小区</option>' in page  # what was sure
    assert f'value="{world.E3.pk}"' not in page  # another community's estate
    assert "该小区没有这栋楼。" in page
    assert f'<option value="{world.H1.pk}">1单元 101</option>' in chained.content.decode()


def test_a_household_of_another_building_is_refused_and_nothing_is_filed(
    world, hotline, client_for
):
    order = _queued(hotline)

    answer = client_for(world.community).post(
        f"/connect/orders/{order.pk}/place/",
        {"estate": world.E1.pk, "building": world.B1.pk, "household": world.H2.pk},
    )

    assert answer.status_code == 200
    assert Case.objects.count() == 0


def test_the_case_page_shows_the_order_the_hotline_s_clocks_and_ours(world, hotline, client_for):
    now = timezone.now()
    order, _created = order_receive(
        system=hotline,
        data=OrderData(
            number="QD002",
            content="楼道灯坏了",
            address="方城路小区1号楼",
            order_type="complaint",
            sign_by=now + timezone.timedelta(hours=1),
            answer_by=now + timezone.timedelta(days=2),
        ),
    )
    case = order.case
    staff = client_for(world.community)

    panel = staff.get(f"/connect/cases/{case.pk}/order/").content.decode()

    local = timezone.localtime
    assert 'data-order="QD002"' in panel
    assert "投诉" in panel
    assert f"<td>{local(case.resolution_due):%Y-%m-%d %H:%M}</td>" in panel
    assert f"<td>{local(order.own_resolution_due):%Y-%m-%d %H:%M}</td>" in panel
    assert (
        f'hx-get="/connect/cases/{case.pk}/order/"'
        in staff.get(f"/cases/{case.pk}/").content.decode()
    )
    assert client_for(_c2_staff(world)).get(f"/connect/cases/{case.pk}/order/").status_code == 404


def test_staff_confirm_a_suggested_category_on_the_case_page(world, hotline, client_for):
    order, _created = order_receive(
        system=hotline,
        data=OrderData(
            number="QD003", content="楼道灯坏了", address="方城路小区1号楼", category_code="X9"
        ),
    )
    staff = client_for(world.community)
    panel = staff.get(f"/connect/cases/{order.case_id}/order/").content.decode()
    assert "data-item-to-confirm" in panel

    answer = staff.post(
        f"/connect/cases/{order.case_id}/order/confirm/", {"item": order.case.item_id}
    )

    order.refresh_from_db()
    assert answer.status_code == 302
    assert order.item_confirmed_by == world.community
    assert (
        "data-item-confirmed"
        in staff.get(f"/connect/cases/{order.case_id}/order/").content.decode()
    )


def _workbook(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["诉求内容", "工单编号", "诉求地址", "备注"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_an_upload_is_previewed_then_imported_by_its_community_s_staff(world, hotline, client_for):
    staff = client_for(world.community)
    data = _workbook([["楼道灯坏了", "QD010", "方城路小区1号楼"], ["漏水", "QD011", "不知道"]])

    uploaded = staff.post(
        "/connect/imports/",
        {"system": hotline.pk, "file": SimpleUploadedFile("12月3日.xlsx", data)},
    )
    batch = OrderImport.objects.get()
    assert uploaded["Location"] == f"/connect/imports/{batch.pk}/"
    preview = staff.get(f"/connect/imports/{batch.pk}/").content.decode()
    assert 'data-outcome="new" data-count="1"' in preview
    assert 'data-outcome="needs_place" data-count="1"' in preview
    assert ExternalOrder.objects.count() == 0
    outsider = client_for(_c2_staff(world))
    assert outsider.get(f"/connect/imports/{batch.pk}/").status_code == 404
    assert outsider.post(f"/connect/imports/{batch.pk}/confirm/").status_code == 404

    staff.post(f"/connect/imports/{batch.pk}/confirm/")

    assert sorted(ExternalOrder.objects.values_list("number", "state")) == [
        ("QD010", "filed"),
        ("QD011", "needs_place"),
    ]
    result = staff.get(f"/connect/imports/{batch.pk}/").content.decode()
    assert "data-imported" in result


def test_an_upload_without_the_portal_s_columns_stores_nothing(world, hotline, client_for):
    workbook = Workbook()
    workbook.active.append(["编号", "内容"])
    out = io.BytesIO()
    workbook.save(out)

    answer = client_for(world.community).post(
        "/connect/imports/",
        {"system": hotline.pk, "file": SimpleUploadedFile("x.xlsx", out.getvalue())},
    )

    assert answer.status_code == 200
    assert "表头缺少以下列：工单编号、诉求地址、诉求内容" in answer.content.decode()
    assert OrderImport.objects.count() == 0


def test_the_upload_page_offers_only_the_user_s_systems(world, hotline, client_for):
    from connect import services

    other, _key = services.system_create(name="武定路热线", kind="hotline", community=world.C2)

    page = client_for(world.community).get("/connect/imports/").content.decode()

    assert hotline.name in page and other.name not in page
    assert client_for(world.nobody).get("/connect/imports/").status_code == 404
    template = client_for(world.community).get("/connect/imports/template.xlsx")
    assert (
        template["Content-Type"]
        == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def _c2_staff(world):
    from core.testing import make_user
    from orgs.roles import Role

    return make_user("wuding_shequ", role=Role.COMMUNITY_STAFF, org_unit=world.C2)


def test_the_workbench_and_navigation_count_the_orders_waiting(world, hotline, client_for):
    _queued(hotline, number="QD020")
    _queued(hotline, number="QD021")

    home = client_for(world.community).get("/").content.decode()
    elsewhere = client_for(_c2_staff(world)).get("/").content.decode()

    assert 'data-orders-to-place="2"' in home
    assert 'data-workbench="orders-to-place"' in home
    assert "data-orders-to-place" not in elsewhere
    assert 'data-workbench="orders-to-place"' not in elsewhere
