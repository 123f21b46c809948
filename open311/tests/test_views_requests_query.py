from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import services as case_services
from cases.models import Case
from catalog.models import Item
from core.testing import T0
from open311.tests.conftest import BASE, json_doc, post_request, xml_doc

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(world, catalogue, clock):
    """a: yesterday in 方城路小区 1号楼 from resident R1's phone (with coordinates);
    b: 10 days ago in 华城苑 (a street light); c: 100 days ago; d: 2 days ago in
    community C2."""

    def submit(code, estate, days, text, **extra):
        return case_services.case_submit(
            item=Item.objects.get(code=code),
            description=text,
            channel="web",
            created_by=world.admin,
            estate=estate,
            now=T0 - timedelta(days=days),
            **extra,
        )

    return {
        "a": submit(
            "RB01",
            world.E1,
            1,
            "楼道堆满杂物，联系我 13905320001",
            building=world.B1,
            household=world.H1,
            resident=world.R1,
            latitude=Decimal("36.067123"),
            longitude=Decimal("120.382679"),
        ),
        "b": submit("RB19", world.E2, 10, "小区南门的路灯不亮了"),
        "c": submit("RB02", world.E1, 100, "垃圾桶满了"),
        "d": submit("RB01", world.E3, 2, "武定苑楼道脏"),
    }


def _ids(response):
    return [r["service_request_id"] for r in json_doc(response)]


def test_query_json_exact_fields_of_a_request(api, cases):
    response = api.get(f"{BASE}/requests.json", {"service_request_id": cases["a"].tracking_no})

    assert response.status_code == 200
    assert json_doc(response) == [
        {
            "service_request_id": "FC20261124-0001",
            "status": "open",
            "status_notes": "Awaiting acceptance",
            "service_name": "Cleaning of shared areas",
            "service_code": "RB01",
            "description": "楼道堆满杂物，联系我 ＊＊",
            "agency_responsible": "方圆物业",
            "service_notice": "Response within 2 working hours, resolved within 5 working days",
            "requested_datetime": "2026-11-24T09:00:00+08:00",
            "updated_datetime": "2026-11-24T09:00:00+08:00",
            "expected_datetime": "2026-12-01T09:00:00+08:00",
            "address": "方城路小区 1号楼",
            "address_id": f"B{cases['a'].building_id}",
            "lat": 36.067,
            "long": 120.383,
        }
    ]


def test_query_xml_has_the_same_request(api, cases):
    response = api.get(f"{BASE}/requests.xml", {"service_request_id": cases["b"].tracking_no})

    assert xml_doc(response) == (
        "service_requests",
        [
            {
                "service_request_id": "FC20261115-0001",
                "status": "open",
                "status_notes": "Awaiting acceptance",
                "service_name": "Shared lighting",
                "service_code": "RB19",
                "description": "小区南门的路灯不亮了",
                "agency_responsible": "德润物业",
                "service_notice": "Response within 2 working hours, resolved within 5 working days",
                "requested_datetime": "2026-11-15T09:00:00+08:00",
                "updated_datetime": "2026-11-15T09:00:00+08:00",
                "expected_datetime": "2026-11-20T17:30:00+08:00",  # filed on a Sunday
                "address": "华城苑",
            }
        ],
    )


def test_query_never_shows_personal_data(api, cases, world):
    body = api.get(f"{BASE}/requests.json").content.decode()

    assert "13905320001" not in body
    assert world.R1.name not in body
    assert "101" not in body  # the household number


def test_a_booking_or_a_sensitive_item_is_never_listed(api, cases, world):
    def file(code, text):
        return case_services.case_submit(
            item=Item.objects.get(code=code),
            description=text,
            channel="web",
            created_by=world.admin,
            estate=world.E1,
            building=world.B1,
            now=T0 - timedelta(days=3),
        )

    care = file("PW01", "想请志愿者探访独居的母亲")
    dispute = file("RB14", "和楼上邻居吵了起来")
    one = {"service_request_id": f"{care.tracking_no},{dispute.tracking_no}"}

    listed = api.get(f"{BASE}/requests.json")
    asked = api.get(f"{BASE}/requests.json", one)
    alone = api.get(f"{BASE}/requests/{care.tracking_no}.json")

    assert {care.tracking_no, dispute.tracking_no} & set(_ids(listed)) == set()
    assert (_ids(asked), alone.status_code) == ([], 404)


def test_query_defaults_to_the_last_90_days_newest_first(api, cases):
    response = api.get(f"{BASE}/requests.json")

    assert _ids(response) == [cases[k].tracking_no for k in ("a", "d", "b")]


def test_query_date_range_finds_older_requests(api, cases):
    response = api.get(
        f"{BASE}/requests.json",
        {"start_date": "2026-08-01T00:00:00+08:00", "end_date": "2026-10-01T00:00:00Z"},
    )

    assert _ids(response) == [cases["c"].tracking_no]


def test_query_plus_sign_decoded_as_space_still_means_the_zone(api, cases):
    response = api.get(f"{BASE}/requests.json?start_date=2026-08-01T00:00:00+08:00")

    assert response.status_code == 200
    assert _ids(response) == [cases["c"].tracking_no]  # start + 90 days ends on 2026-10-30


def test_query_end_date_alone_looks_90_days_back(api, cases):
    until_b = api.get(f"{BASE}/requests.json", {"end_date": "2026-11-16T00:00:00.000+08:00"})
    until_c = api.get(f"{BASE}/requests.json", {"end_date": "2026-11-14T23:59:59.5+08:00"})

    assert _ids(until_b) == [cases["b"].tracking_no]  # c is 91 days before
    assert _ids(until_c) == [cases["c"].tracking_no]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
            "The date range may span at most 90 days.",
        ),
        (
            {"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-05-01T00:00:00Z"},
            "end_date must not be earlier than start_date.",
        ),
        (
            {"start_date": "2026-06-01T00:00:00"},
            "start_date must be a W3C date-time with a time zone, e.g. 2026-03-05T09:30:00+08:00.",
        ),
        (
            {"end_date": "2026-13-45T00:00:00Z"},
            "end_date must be a W3C date-time with a time zone, e.g. 2026-03-05T09:30:00+08:00.",
        ),
        (
            {"start_date": "yesterday"},
            "start_date must be a W3C date-time with a time zone, e.g. 2026-03-05T09:30:00+08:00.",
        ),
        ({"start_date": "9999-12-31T00:00:00Z"}, "The dates are out of range."),
        ({"status": "pending"}, "status may be open, closed or both (comma-separated)."),
        ({"page": "0"}, "page must be a whole number from 1."),
        ({"page_size": "many"}, "page_size must be a whole number from 1."),
    ],
)
def test_query_refuses_bad_filters_with_400(api, cases, params, message):
    as_json = api.get(f"{BASE}/requests.json", params)
    as_xml = api.get(f"{BASE}/requests.xml", params)

    assert (as_json.status_code, json_doc(as_json)) == (
        400,
        [{"code": 400, "description": message}],
    )
    assert (as_xml.status_code, xml_doc(as_xml)) == (
        400,
        ("errors", [{"code": "400", "description": message}]),
    )


def test_query_range_of_exactly_90_days_is_allowed(api, cases):
    response = api.get(
        f"{BASE}/requests.json",
        {"start_date": "2026-08-27T09:00:00+08:00", "end_date": "2026-11-25T09:00:00+08:00"},
    )

    assert _ids(response) == [cases[k].tracking_no for k in ("a", "d", "b")]


def test_query_filters_by_service_code_and_status(api, cases, world):
    case_services.case_accept(case=cases["a"], actor=world.manager)
    case_services.case_resolve(case=cases["a"], actor=world.manager, note="已清理")

    closed = api.get(f"{BASE}/requests.json", {"status": "closed"})
    open_rb = api.get(f"{BASE}/requests.json", {"status": "open", "service_code": "RB01,RB02"})
    both = api.get(f"{BASE}/requests.json", {"status": "open,closed", "service_code": "RB19"})

    assert _ids(closed) == [cases["a"].tracking_no]
    assert _ids(open_rb) == [cases["d"].tracking_no]
    assert _ids(both) == [cases["b"].tracking_no]


def test_query_ids_override_every_other_filter(api, cases):
    wanted = f"{cases['c'].tracking_no}, {cases['a'].tracking_no},NOPE"

    response = api.get(
        f"{BASE}/requests.json",
        {"service_request_id": wanted, "status": "closed", "service_code": "PW01", "page": "x"},
    )

    assert _ids(response) == [cases["a"].tracking_no, cases["c"].tracking_no]


def test_query_jurisdiction_limits_to_its_community(api, cases, world):
    world.C2.grid_code = "370203012003000"
    world.C2.save()

    fc = api.get(f"{BASE}/requests.json", {"jurisdiction_id": "fc"})
    c2 = api.get(f"{BASE}/requests.json", {"jurisdiction_id": "370203012003000"})
    unknown = api.get(f"{BASE}/requests.json", {"jurisdiction_id": "sfgov.org"})
    by_id = api.get(
        f"{BASE}/requests.json",
        {"jurisdiction_id": "fc", "service_request_id": cases["d"].tracking_no},
    )

    assert _ids(fc) == [cases[k].tracking_no for k in ("a", "b")]
    assert _ids(c2) == [cases["d"].tracking_no]
    assert unknown.status_code == 404
    assert _ids(by_id) == []


def test_query_pages(api, cases):
    first = api.get(f"{BASE}/requests.json", {"page_size": "2"})
    second = api.get(f"{BASE}/requests.json", {"page_size": "2", "page": "2"})
    beyond = api.get(f"{BASE}/requests.json", {"page_size": "2", "page": "3"})

    assert _ids(first) == [cases["a"].tracking_no, cases["d"].tracking_no]
    assert _ids(second) == [cases["b"].tracking_no]
    assert json_doc(beyond) == []


def test_query_status_notes_for_closed_requests(api, cases, world):
    a, b, d = cases["a"], cases["b"], cases["d"]
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        case_services.case_accept(case=a, actor=world.manager)
        case_services.case_resolve(case=a, actor=world.manager, note="已清理")
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        case_services.case_merge(case=b, into=cases["c"], actor=world.secretary)
    with time_machine.travel(T0 + timedelta(hours=3), tick=False):
        case_services.case_reply(case=d, actor=world.admin, text="已收到")

    rows = {r["service_request_id"]: r for r in json_doc(api.get(f"{BASE}/requests.json"))}

    resolved, merged, replied = rows[a.tracking_no], rows[b.tracking_no], rows[d.tracking_no]
    assert (resolved["status"], resolved["status_notes"]) == (
        "closed",
        "Resolved, awaiting the resident's rating",
    )
    assert resolved["updated_datetime"] == "2026-11-25T10:00:00+08:00"
    assert (merged["status"], merged["status_notes"]) == (
        "closed",
        f"Merged into {cases['c'].tracking_no}",
    )
    assert merged["updated_datetime"] == "2026-11-25T11:00:00+08:00"
    assert (replied["status"], replied["updated_datetime"]) == (
        "open",
        "2026-11-25T12:00:00+08:00",
    )


def test_query_uses_the_same_number_of_queries_for_1_and_3_rows(api, cases):
    def count(params):
        with CaptureQueriesContext(connection) as queries:
            assert api.get(f"{BASE}/requests.json", params).status_code == 200
        return len(queries)

    one = count({"service_request_id": cases["a"].tracking_no})
    three = count({})

    assert one == three


def test_request_detail_in_both_formats(api, cases):
    tracking_no = cases["d"].tracking_no

    as_json = api.get(f"{BASE}/requests/{tracking_no}.json")
    as_xml = api.get(f"{BASE}/requests/{tracking_no}.xml")

    assert _ids(as_json) == [tracking_no]
    root, doc = xml_doc(as_xml)
    assert (root, len(doc)) == ("service_requests", 1)
    assert doc[0]["service_request_id"] == tracking_no
    assert doc[0]["address"] == "武定苑"
    assert json_doc(as_json)[0]["address"] == "武定苑"


def test_request_detail_unknown_or_out_of_jurisdiction_is_404(api, cases):
    unknown = api.get(f"{BASE}/requests/FC20990101-0001.xml")
    elsewhere = api.get(f"{BASE}/requests/{cases['d'].tracking_no}.json", {"jurisdiction_id": "fc"})

    assert xml_doc(unknown) == (
        "errors",
        [{"code": "404", "description": "Unknown service_request_id."}],
    )
    assert (unknown.status_code, elsewhere.status_code) == (404, 404)
    assert json_doc(elsewhere) == [{"code": 404, "description": "Unknown service_request_id."}]


def test_token_is_always_unknown_since_ids_come_at_once(api, cases):
    as_xml = api.get(f"{BASE}/tokens/abc123.xml")
    as_json = api.get(f"{BASE}/tokens/{cases['a'].tracking_no}.json")

    assert (as_xml.status_code, xml_doc(as_xml)[1]) == (
        404,
        [{"code": "404", "description": "Unknown token."}],
    )
    assert (as_json.status_code, json_doc(as_json)) == (
        404,
        [{"code": 404, "description": "Unknown token."}],
    )


def test_query_shows_requests_created_through_open311(api, app, clock):
    tracking_no = post_request(api, app).json()[0]["service_request_id"]

    rows = json_doc(api.get(f"{BASE}/requests.json", {"jurisdiction_id": "fc"}))

    assert [r["service_request_id"] for r in rows] == [tracking_no]
    assert rows[0]["requested_datetime"] == "2026-11-25T09:00:00+08:00"
    assert Case.objects.get().channel == "open311"
