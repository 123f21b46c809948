"""The independent PyPI client `georeport` reads our endpoint over real HTTP."""

import pytest
import requests
from georeport import GeoReport

from open311 import services

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def endpoint(live_server, world, catalogue):
    """The endpoint URL as published by discovery, with one request created over HTTP."""
    discovery = requests.get(f"{live_server.url}/open311/v2/discovery.json", timeout=10)
    discovery.raise_for_status()
    (entry,) = discovery.json()["endpoints"]
    assert entry["specification"] == "http://wiki.open311.org/GeoReport_v2"
    _client, key = services.client_create(name="georeport", community=world.C1)
    created = requests.post(
        f"{entry['url']}/requests.json",
        data={
            "api_key": key,
            "service_code": "RB01",
            "address_id": f"B{world.B1.pk}",
            "description": "楼道堆满杂物",
            "phone": "13905320001",
        },
        timeout=10,
    )
    created.raise_for_status()
    return entry["url"], created.json()[0]["service_request_id"]


@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_georeport_reads_services_and_requests(endpoint, output_format):
    url, tracking_no = endpoint
    client = GeoReport(url, jurisdiction="fc", output_format=output_format)

    services_list = client.get_service_list()
    definition = client.get_service_definition("RB01")
    found = client.get_service_requests(service_request_id=tracking_no)
    one = client.get_service_request(tracking_no)
    recent = client.get_service_requests(status="open", service_code="RB01")

    assert len(services_list) == 151
    assert services_list[0]["service_code"] == "RB01"
    assert definition["service_code"] == "RB01"
    codes = [a["code"] for a in _items(definition["attributes"], "attribute")]
    assert codes == ["promise", "service_hours", "building", "keywords"]
    assert [r["service_request_id"] for r in _items(found, None)] == [tracking_no]
    assert (one["service_request_id"], one["status"], one["address"]) == (
        tracking_no,
        "open",
        "方城路小区 1号楼",
    )
    assert [r["service_request_id"] for r in _items(recent, None)] == [tracking_no]
    assert "13905320001" not in str(one)


def test_georeport_sees_errors_as_http_errors(endpoint):
    url, _tracking_no = endpoint
    client = GeoReport(url, jurisdiction="sfgov.org")

    with pytest.raises(requests.HTTPError) as caught:
        client.get_service_list()

    assert caught.value.response.status_code == 404
    assert caught.value.response.json() == [
        {"code": 404, "description": caught.value.response.json()[0]["description"]}
    ]


def _items(value, name):
    """xmltodict gives a dict (one child) or a list; JSON always a list."""
    if name and isinstance(value, dict):
        value = value[name]
    return value if isinstance(value, list) else [value]
