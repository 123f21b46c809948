import pytest

from open311.tests.conftest import BASE, json_doc, post_request, xml_doc

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "services.html",
        "services",
        "requests.csv",
        "requests.XML",
        "discovery.yaml",
        "services/RB01",
        "requests/FC20261125-0001.txt",
        "",
        "nothing/here.json",
    ],
)
def test_unknown_format_or_path_is_404_in_xml(api, catalogue, path):
    response = api.get(f"{BASE}/{path}")

    assert response.status_code == 404
    root, doc = xml_doc(response)
    assert root == "errors"
    assert [error["code"] for error in doc] == ["404"]


def test_unknown_format_on_post_is_404_and_creates_nothing(api, app):
    from cases.models import Case

    response = post_request(api, app, "html")

    assert response.status_code == 404
    assert xml_doc(response)[1] == [{"code": "404", "description": "Unknown format."}]
    assert Case.objects.count() == 0


def test_wrong_method_is_400(api, catalogue):
    delete = api.delete(f"{BASE}/requests.json")
    post = api.post(f"{BASE}/services.xml")

    assert (delete.status_code, json_doc(delete)) == (
        400,
        [{"code": 400, "description": "Use GET or POST here."}],
    )
    assert (post.status_code, xml_doc(post)[1]) == (
        400,
        [{"code": "400", "description": "Use GET here."}],
    )


def test_head_is_answered_like_get(api, catalogue):
    response = api.head(f"{BASE}/services.json")

    assert (response.status_code, response["Content-Type"]) == (
        200,
        "application/json; charset=utf-8",
    )


def test_too_many_fields_is_400_not_500(api, app):
    fields = {f"field{n}": "x" for n in range(1100)}

    response = post_request(api, app, **fields)

    assert (response.status_code, json_doc(response)) == (
        400,
        [{"code": 400, "description": "The request body is unreadable."}],
    )


def test_broken_multipart_body_is_400_not_500(api, app):
    response = api.post(
        f"{BASE}/requests.xml",
        b'--xyz\r\nContent-Disposition: form-data; name="api_key"\r\n\r\n',
        content_type="multipart/form-data; boundary=",
    )

    assert response.status_code == 400
    assert xml_doc(response)[0] == "errors"


def test_odd_query_values_never_500(api, catalogue):
    odd = [
        {"service_request_id": ",,,"},
        {"service_request_id": "x" * 5000},
        {"start_date": "2026-01-01T00:00:00+99:00"},
        {"start_date": "2026-02-30T00:00:00Z"},
        {"start_date": "0001-01-01T00:00:00+08:00"},
        {"end_date": "0001-01-01T00:00:00Z"},
        {"status": "OPEN,Closed"},
        {"service_code": "'; drop table cases_case; --"},
        {"page": "99999999999999999999"},
        {"jurisdiction_id": "\x00"},
        {"jurisdiction_id": "z\x00z"},
        {"description": "\x00", "service_request_id": "FC\x00"},
    ]

    answers = [api.get(f"{BASE}/requests.json", params).status_code for params in odd]

    assert answers == [200, 200, 400, 400, 400, 400, 200, 200, 400, 200, 404, 200]


def test_nul_characters_in_the_path_are_harmless(api, catalogue):
    response = api.get(f"{BASE}/requests/FC%0020261125-0001.json")

    assert (response.status_code, json_doc(response)[0]["code"]) == (404, 404)


def test_control_characters_never_break_the_xml(api, app, clock):
    post_request(api, app, description="杂物\x01\x0b堆放\x00")

    response = api.get(f"{BASE}/requests.xml")

    assert xml_doc(response)[1][0]["description"] == "杂物堆放"
