import pytest
from django.utils import translation

from catalog.models import Item
from catalog.selectors import promise_text
from open311.tests.conftest import BASE, json_doc, xml_doc

pytestmark = pytest.mark.django_db

RB01_SERVICE = {
    "service_code": "RB01",
    "service_name": "Cleaning of shared areas",
    "metadata": True,
    "type": "realtime",
    "keywords": "保洁,卫生,楼道脏,打扫,电梯脏,污渍",
    "group": "Cleanliness",
}


def test_services_json_lists_requestable_items(api, catalogue):
    doc = json_doc(api.get(f"{BASE}/services.json"))

    codes = [service["service_code"] for service in doc]
    requestable = Item.objects.filter(is_active=True).exclude(kind=Item.Kind.INFO)
    assert sorted(codes) == sorted(requestable.values_list("code", flat=True))
    assert len(codes) == 151
    rb01 = doc[codes.index("RB01")]
    description = rb01.pop("description")
    assert rb01 == RB01_SERVICE
    assert description == Item.objects.get(code="RB01").description
    assert list(rb01) == [k for k in RB01_SERVICE]


def test_services_xml_has_the_same_services(api, catalogue):
    response = api.get(f"{BASE}/services.xml")

    root, doc = xml_doc(response)
    assert root == "services"
    rb01 = next(s for s in doc if s["service_code"] == "RB01")
    assert list(rb01) == [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ]
    assert {k: v for k, v in rb01.items() if k != "description"} == {
        **RB01_SERVICE,
        "metadata": "true",
    }
    assert [s["service_code"] for s in doc] == [
        s["service_code"] for s in json_doc(api.get(f"{BASE}/services.json"))
    ]


def test_services_leave_out_unpublished_and_information_items(api, catalogue):
    Item.objects.filter(code="RB02").update(is_active=False)
    info = Item.objects.filter(kind=Item.Kind.INFO).values_list("code", flat=True)

    codes = {s["service_code"] for s in json_doc(api.get(f"{BASE}/services.json"))}

    assert "RB02" not in codes
    assert codes.isdisjoint(info)


def test_services_accept_our_jurisdiction_ids_and_empty(api, world, catalogue):
    for value in ["", "fc", "FC"]:
        response = api.get(f"{BASE}/services.json", {"jurisdiction_id": value})
        assert (response.status_code, len(response.json())) == (200, 151)


def test_services_unknown_jurisdiction_is_404(api, world, catalogue):
    response = api.get(f"{BASE}/services.xml", {"jurisdiction_id": "sfgov.org"})

    assert response.status_code == 404
    assert xml_doc(response) == (
        "errors",
        [{"code": "404", "description": "Unknown jurisdiction_id."}],
    )


def test_service_definition_json_for_an_appeal(api, catalogue):
    doc = json_doc(api.get(f"{BASE}/services/RB01.json"))

    assert doc == {
        "service_code": "RB01",
        "attributes": [
            {
                "variable": False,
                "code": "promise",
                "datatype": "string",
                "required": False,
                "datatype_description": None,
                "order": 1,
                "description": "Response within 2 working hours, resolved within 5 working days",
            },
            {
                "variable": False,
                "code": "service_hours",
                "datatype": "string",
                "required": False,
                "datatype_description": None,
                "order": 2,
                "description": "Service hours: 每日 7:00-19:00",
            },
            {
                "variable": True,
                "code": "building",
                "datatype": "string",
                "required": False,
                "datatype_description": "Free text, e.g. 3号楼 2单元 楼道",
                "order": 3,
                "description": "Building, entrance or spot",
            },
            {
                "variable": True,
                "code": "keywords",
                "datatype": "multivaluelist",
                "required": False,
                "datatype_description": None,
                "order": 4,
                "description": "Which of these describe the problem?",
                "values": [
                    {"key": word, "name": word}
                    for word in ["保洁", "卫生", "楼道脏", "打扫", "电梯脏", "污渍"]
                ],
            },
        ],
    }


def test_service_definition_xml_for_a_paid_service(api, catalogue):
    response = api.get(f"{BASE}/services/CV001.xml")

    root, doc = xml_doc(response)
    assert root == "service_definition"
    assert doc["service_code"] == "CV001"
    attributes = {a["code"]: a for a in doc["attributes"]}
    assert list(attributes) == [
        "promise",
        "fee",
        "service_hours",
        "building",
        "preferred_time",
        "keywords",
    ]
    assert attributes["fee"] == {
        "variable": "false",
        "code": "fee",
        "datatype": "string",
        "required": "false",
        "datatype_description": None,
        "order": "2",
        "description": "Fee: 80.00 yuan 每次上门，严重堵塞需机器长距离疏通另计",
    }
    assert attributes["preferred_time"]["datatype"] == "datetime"
    assert attributes["preferred_time"]["variable"] == "true"
    assert attributes["keywords"]["values"][0] == {"key": "下水道堵", "name": "下水道堵"}


def test_service_definition_alias_singular_path(api, catalogue):
    plural = api.get(f"{BASE}/services/RB01.json")

    singular = api.get(f"{BASE}/service/RB01.json")

    assert singular.status_code == 200
    assert singular.json() == plural.json()


def test_service_definition_unknown_code_is_404_in_both_formats(api, catalogue):
    as_json = api.get(f"{BASE}/services/NOPE.json")
    as_xml = api.get(f"{BASE}/services/NOPE.xml")

    assert (as_json.status_code, as_xml.status_code) == (404, 404)
    assert json_doc(as_json) == [{"code": 404, "description": "Unknown service_code."}]
    assert xml_doc(as_xml)[1] == [{"code": "404", "description": "Unknown service_code."}]


def test_service_definition_promise_is_chinese_by_default(catalogue, client):
    doc = client.get(f"{BASE}/services/RB01.json").json()

    with translation.override("zh-hans"):
        promise = promise_text(Item.objects.get(code="RB01").sla)
    assert doc["attributes"][0]["description"] == promise
    assert "小时内响应" in promise


def test_service_names_are_chinese_by_default(catalogue, client):
    doc = client.get(f"{BASE}/services.json").json()

    rb01 = next(s for s in doc if s["service_code"] == "RB01")
    assert (rb01["service_name"], rb01["group"]) == ("公共区域保洁", "环境卫生")
