from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.models import Case
from cases.worker import deliver_outbox, fan_out_due
from open311 import services
from open311.tests.conftest import BASE, jpeg, json_doc, post_request, xml_doc
from triage.models import Suggestion
from triage.services import model_train

pytestmark = pytest.mark.django_db

NOTICE = "Response within 2 working hours, resolved within 5 working days"


def test_create_json_answers_the_tracking_number_and_promise(api, app, world, clock):
    response = post_request(api, app, "json")

    assert response.status_code == 200
    assert json_doc(response) == [
        {"service_request_id": "FC20261125-0001", "service_notice": NOTICE}
    ]
    case = Case.objects.get()
    assert case.tracking_no == "FC20261125-0001"
    assert (case.channel, case.created_by, case.item.code) == ("open311", app.user, "RB01")
    assert (case.estate, case.building, case.household) == (world.E1, world.B1, None)
    assert case.description == "楼道堆满杂物，影响通行"
    assert (case.contact_name, case.contact_mobile) == ("", "")


def test_create_fixmystreet_style_xml_multipart_with_photos(api, app, world, clock):
    response = api.post(
        f"{BASE}/requests.xml",
        {
            "api_key": app.key,
            "jurisdiction_id": "fc",
            "service_code": "RB01",
            "lat": "36.0671234",
            "long": "120.3826789",
            "address_string": "方城路小区 1号楼",
            "description": "单元门口垃圾堆放三天无人清理",
            "first_name": "秀兰",
            "last_name": "王",
            "email": "wang@example.cn",
            "phone": "+86 139 0532 0001",
            "media_url": ["https://fms.example.cn/photo/1.jpeg", "https://fms.example.cn/2.jpeg"],
            "attribute[fixmystreet_id]": "4711",
            "photo1": jpeg("p1.jpg"),
            "photo2": jpeg("p2.jpg", colour=(20, 200, 20)),
        },
    )

    assert response.status_code == 200
    assert xml_doc(response) == (
        "service_requests",
        [{"service_request_id": "FC20261125-0001", "service_notice": NOTICE}],
    )
    assert b"13905320001" not in response.content and "王".encode() not in response.content
    case = Case.objects.get()
    assert (case.estate, case.building) == (world.E1, world.B1)
    assert (case.latitude, case.longitude) == (Decimal("36.067123"), Decimal("120.382679"))
    assert (case.contact_name, case.contact_mobile) == ("王秀兰", "13905320001")
    assert case.location_text == "方城路小区 1号楼"
    assert case.description == (
        "单元门口垃圾堆放三天无人清理\n\nMedia links:\n"
        "https://fms.example.cn/photo/1.jpeg\nhttps://fms.example.cn/2.jpeg"
    )
    assert case.photos.count() == 2
    assert [(p.width, p.height) for p in case.photos.all()] == [(64, 48), (64, 48)]


def test_create_form_encoded_body(api, app, world):
    body = urlencode(
        {
            "api_key": app.key,
            "service_code": "RB02",
            "address_id": f"B{world.B2.pk}",
            "description": "垃圾桶满了",
        }
    )

    response = api.post(
        f"{BASE}/requests.json", body, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    case = Case.objects.get()
    assert response.json()[0]["service_request_id"] == case.tracking_no
    assert (case.estate, case.building, case.company) == (world.E2, world.B2, world.P2)


def test_create_api_key_in_the_query_string(api, app):
    response = api.post(
        f"{BASE}/requests.json?api_key={app.key}",
        {"service_code": "RB01", "address_string": "方城路小区", "description": "路灯不亮"},
    )

    assert response.status_code == 200
    assert Case.objects.get().tracking_no == response.json()[0]["service_request_id"]


def test_create_attribute_forms_plain_and_brackets(api, app, world):
    response = post_request(
        api,
        app,
        address_id=None,
        address_string="方城路小区",
        **{
            "attribute[building][]": "1号楼 1单元",
            "attribute[keywords][]": ["保洁", "污渍"],
            "attribute[keywords]": "卫生",
        },
    )

    assert response.status_code == 200
    assert response.json()[0]["service_request_id"] == Case.objects.get().tracking_no
    case = Case.objects.get()
    assert case.building == world.B1
    assert case.location_text == "方城路小区 1号楼 1单元"
    assert case.description == "楼道堆满杂物，影响通行\n\nKeywords: 保洁、污渍、卫生"


def test_create_unknown_attributes_are_ignored(api, app):
    response = post_request(api, app, **{"attribute[colour]": "red", "attribute[promise]": "x"})

    assert response.status_code == 200
    assert response.json()[0]["service_request_id"] == Case.objects.get().tracking_no
    assert Case.objects.get().description == "楼道堆满杂物，影响通行"


def test_create_empty_parameters_count_as_absent(api, app, world):
    response = post_request(
        api,
        app,
        jurisdiction_id="",
        lat="",
        long="",
        address_string="",
        email="",
        phone="",
        description="",
        idempotency_key="",
        media_url="",
    )

    assert response.status_code == 200
    assert response.json()[0]["service_request_id"] == Case.objects.get().tracking_no
    case = Case.objects.get()
    assert (case.latitude, case.contact_name, case.idempotency_key) == (None, "", "")
    assert case.description == "公共区域保洁"  # no description: the service name


def test_create_coordinates_alone_go_to_the_communitys_first_estate(api, app, world):
    response = post_request(api, app, address_id=None, lat="36.0671", long="120.3827")

    assert response.status_code == 200
    assert response.json()[0]["service_request_id"] == Case.objects.get().tracking_no
    case = Case.objects.get()
    assert (case.estate, case.building) == (world.E1, None)
    assert (case.latitude, case.longitude) == (Decimal("36.067100"), Decimal("120.382700"))


def test_create_address_string_with_unknown_place_falls_back_to_coordinates(api, app, world):
    response = post_request(
        api, app, address_id=None, address_string="青岛市 某路 88号", lat="36.1", long="120.4"
    )

    assert response.status_code == 200
    assert response.json()[0]["service_request_id"] == Case.objects.get().tracking_no
    case = Case.objects.get()
    assert (case.estate, case.location_text) == (world.E1, "青岛市 某路 88号")


def test_create_address_id_names_a_household_or_a_unit(api, app, world):
    post_request(api, app, address_id=f"H{world.H2.pk}")
    post_request(api, app, address_id=f"u{world.H1.unit_id}", description="单元门坏了")

    by_household, by_unit = Case.objects.order_by("id")
    assert (by_household.estate, by_household.building, by_household.household) == (
        world.E2,
        world.B2,
        world.H2,
    )
    assert (by_unit.estate, by_unit.building, by_unit.household) == (world.E1, world.B1, None)


def test_create_address_string_names_estate_and_building(api, app, world):
    post_request(api, app, address_id=None, address_string="华城苑2号楼2单元")
    post_request(api, app, address_id=None, address_string="1号楼", description="楼道灯坏")

    second_estate, unique_building = Case.objects.order_by("id")
    assert (second_estate.estate, second_estate.building) == (world.E2, world.B2)
    assert (unique_building.estate, unique_building.building) == (world.E1, world.B1)


def test_create_service_with_preferred_time(api, app, world):
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = post_request(
        api,
        app,
        service_code="CV001",
        address_id=f"H{world.H1.pk}",
        description="厨房下水道堵了",
        **{"attribute[preferred_time]": f"{tomorrow}T14:00:00 08:00"},
    )

    assert response.status_code == 200
    assert response.json()[0]["service_request_id"] == Case.objects.get().tracking_no
    case = Case.objects.get()
    assert (case.kind, case.household, case.doorstep) == ("service_request", world.H1, True)
    assert case.preferred_time.isoformat() == f"{tomorrow}T06:00:00+00:00"


def test_create_same_idempotency_key_makes_one_case(api, app):
    first = post_request(api, app, idempotency_key="fms-4711")
    again = post_request(api, app, idempotency_key="fms-4711")

    assert Case.objects.count() == 1
    assert again.json() == first.json()


def test_create_same_idempotency_key_with_another_request_is_refused(api, app):
    first = post_request(api, app, idempotency_key="fms-4711")
    again = api.post(
        f"{BASE}/requests.json",
        {"api_key": app.key, "service_code": "RB01", "address_string": "方城路小区"},
        headers={"Idempotency-Key": "fms-4711"},
    )

    assert again.status_code == 400
    assert first.json()[0]["service_request_id"] in again.json()[0]["description"]
    assert Case.objects.count() == 1


def test_create_three_style_media_part(api, app):
    response = post_request(api, app, media=jpeg("m.jpg"))

    assert response.status_code == 200
    assert response.json()[0]["service_request_id"] == Case.objects.get().tracking_no
    assert Case.objects.get().photos.count() == 1


def test_create_case_reaches_the_property_managers_inbox(api, app, world, client_for):
    tracking_no = post_request(api, app).json()[0]["service_request_id"]

    inbox = client_for(world.manager).get("/cases/inbox/")

    assert tracking_no in inbox.content.decode()
    assert Case.objects.get(tracking_no=tracking_no).channel == "open311"


def test_create_records_the_suggestion_of_the_active_model(api, app, world):
    active = model_train(reason="test")

    response = post_request(api, app, service_code="RB15", description="楼上漏水，水一直往下滴")
    fan_out_due(now=timezone.now())
    deliver_outbox(now=timezone.now())

    assert response.status_code == 200
    suggestion = Suggestion.objects.get()
    assert suggestion.case.tracking_no == json_doc(response)[0]["service_request_id"]
    assert (suggestion.model, suggestion.filed_item.code) == (active, "RB15")
    assert suggestion.ranked[0][0] == "RB15" and suggestion.accepted


def test_create_without_a_model_files_the_case_and_records_nothing(api, app):
    response = post_request(api, app)
    fan_out_due(now=timezone.now())
    deliver_outbox(now=timezone.now())

    assert response.status_code == 200
    assert Case.objects.get().tracking_no == json_doc(response)[0]["service_request_id"]
    assert Suggestion.objects.count() == 0


# ---------------------------------------------------------------------------------------------
# Refusals


def _errors(response, fmt="json"):
    if fmt == "xml":
        root, doc = xml_doc(response)
        assert root == "errors"
        return response.status_code, doc
    return response.status_code, json_doc(response)


def test_create_without_api_key_is_403(api, app):
    response = post_request(api, app, "xml", api_key=None)

    assert _errors(response, "xml") == (
        403,
        [{"code": "403", "description": "api_key is missing."}],
    )
    assert Case.objects.count() == 0


def test_create_with_wrong_or_inactive_key_is_403(api, app):
    wrong = post_request(api, app, api_key="o311_not-a-key")
    app.is_active = False
    app.save()
    inactive = post_request(api, app)

    expected = (403, [{"code": 403, "description": "api_key is not valid."}])
    assert (_errors(wrong), _errors(inactive)) == (expected, expected)


def test_create_in_another_jurisdiction_is_404(api, app, world):
    world.C2.abbr = "WD"
    world.C2.save()

    for value in ["sfgov.org", "wd"]:
        response = post_request(api, app, jurisdiction_id=value)
        assert _errors(response) == (
            404,
            [{"code": 404, "description": "Unknown jurisdiction_id."}],
        )
    accepted = post_request(api, app, jurisdiction_id="FC")
    assert accepted.status_code == 200
    assert accepted.json()[0]["service_request_id"] == Case.objects.get().tracking_no


def test_create_unknown_or_informational_service_is_404(api, app):
    from catalog.models import Item

    info = Item.objects.filter(kind=Item.Kind.INFO).first()

    for code in ["NOPE", info.code]:
        response = post_request(api, app, service_code=code)
        assert _errors(response) == (404, [{"code": 404, "description": "Unknown service_code."}])


def test_create_lists_every_problem_at_once(api, app):
    response = post_request(api, app, "xml", service_code=None, address_id=None)

    assert _errors(response, "xml") == (
        400,
        [
            {"code": "400", "description": "service_code is missing."},
            {
                "code": "400",
                "description": "A location is missing: send lat and long, address_string "
                "or address_id.",
            },
        ],
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"lat": "36.06"}, "lat and long must be sent together."),
        ({"long": "120.38"}, "lat and long must be sent together."),
        (
            {"lat": "north", "long": "120.38"},
            "lat must be a number of degrees between -90 and 90.",
        ),
        ({"lat": "NaN", "long": "1"}, "lat must be a number of degrees between -90 and 90."),
        (
            {"lat": "36", "long": "999"},
            "long must be a number of degrees between -180 and 180.",
        ),
        ({"description": "长" * 4001}, "description may have at most 4000 characters."),
        ({"media_url": "javascript:alert(1)"}, "media_url must be an http or https address."),
        (
            {"address_id": "B999999"},
            "address_id is not a building (B…), unit (U…) or household (H…) here.",
        ),
        (
            {"address_id": "building 7"},
            "address_id is not a building (B…), unit (U…) or household (H…) here.",
        ),
        (
            {"address_id": None, "address_string": "火星基地"},
            "address_string names no estate or building we know here.",
        ),
        (
            {"attribute[keywords][]": "不存在"},
            "attribute[keywords] must be among the listed values.",
        ),
        (
            {"attribute[building][]": ["1号楼", "2号楼"]},
            "attribute[building] takes one value.",
        ),
    ],
)
def test_create_refuses_malformed_input_with_400(api, app, fields, message):
    response = post_request(api, app, **fields)

    assert _errors(response) == (400, [{"code": 400, "description": message}])
    assert Case.objects.count() == 0


def test_create_refuses_a_building_of_another_community(api, app, world):
    response = post_request(api, app, address_id=f"B{world.B3.pk}")

    assert response.status_code == 400
    assert Case.objects.count() == 0


def test_create_description_of_4000_characters_is_accepted_and_shortened(api, app):
    response = post_request(api, app, description="长" * 4000)

    assert response.status_code == 200
    assert response.json()[0]["service_request_id"] == Case.objects.get().tracking_no
    assert Case.objects.get().description == "长" * 1999 + "…"


def test_create_refuses_a_file_that_is_not_a_picture(api, app):
    response = post_request(api, app, photo1=SimpleUploadedFile("x.jpg", b"GIF89a nothing"))

    assert _errors(response) == (
        400,
        [{"code": 400, "description": "“x.jpg” is not a picture we can read."}],
    )
    assert Case.objects.count() == 0


def test_create_refuses_too_many_photos(api, app):
    photos = {f"photo{n}": jpeg(f"p{n}.jpg") for n in range(1, 11)}

    response = post_request(api, app, **photos)

    assert _errors(response) == (
        400,
        [{"code": 400, "description": "At most 9 photos can be attached."}],
    )


def test_create_bad_preferred_time_is_400(api, app, world):
    response = post_request(
        api,
        app,
        service_code="CV001",
        **{"attribute[preferred_time]": "tomorrow afternoon"},
    )

    assert _errors(response) == (
        400,
        [
            {
                "code": 400,
                "description": "attribute[preferred_time] must be a W3C date-time with a "
                "time zone.",
            }
        ],
    )


def test_create_is_rate_limited_per_client(api, app, world):
    app.rate_limit_per_minute = 2
    app.save()
    _other, other_key = services.client_create(name="Other", community=world.C1)

    answers = [post_request(api, app, description=f"第{n}次").status_code for n in range(3)]
    limited = post_request(api, app)
    other_client = post_request(api, app, api_key=other_key)

    assert answers == [200, 200, 429]
    assert _errors(limited) == (
        429,
        [{"code": 429, "description": "Too many requests. Please wait and try again."}],
    )
    assert limited["Retry-After"] == "60"
    assert other_client.status_code == 200
    assert Case.objects.count() == 3
    assert Case.objects.filter(tracking_no=other_client.json()[0]["service_request_id"]).exists()
