import xml.etree.ElementTree as ET
from io import BytesIO

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from core.testing import T0
from open311 import services

BASE = "/open311/v2"
# Containers whose children repeat (the XML side of the JSON arrays).
LISTS = {
    "services",
    "service_requests",
    "service_requests_updates",
    "errors",
    "attributes",
    "values",
    "endpoints",
    "formats",
}


@pytest.fixture
def clock():
    """The clock stands at T0 (Wednesday 2026-11-25 09:00 +08:00) unless moved."""
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def app(world, catalogue):
    """A client application of community C1 (方城路社区, abbreviation FC); `.key` is its key."""
    client, key = services.client_create(name="FixMyStreet 青岛", community=world.C1)
    client.key = key
    return client


@pytest.fixture
def api():
    """An anonymous HTTP client that asks for English text (the default is Chinese)."""
    client = Client()
    client.cookies["django_language"] = "en"
    return client


def xml_doc(response):
    """The XML body as plain data: lists for repeated containers, dicts, text (None if empty)."""
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(response.content)
    return root.tag, _element_data(root)


def _element_data(element):
    if element.tag in LISTS:
        return [_element_data(child) for child in element]
    if len(element):
        return {child.tag: _element_data(child) for child in element}
    return element.text


def json_doc(response):
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return response.json()


def jpeg(name="photo.jpg", colour=(200, 30, 30)):
    out = BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def post_request(api, app, fmt="json", **data):
    fields = {
        "api_key": app.key,
        "service_code": "RB01",
        "address_id": f"B{app.community.estates.order_by('pk').first().buildings.first().pk}",
        "description": "楼道堆满杂物，影响通行",
    }
    fields.update(data)
    return api.post(f"{BASE}/requests.{fmt}", {k: v for k, v in fields.items() if v is not None})
