from datetime import datetime

import pytest
import time_machine
from django.contrib.admin.models import CHANGE, LogEntry

from catalog.models import Item
from core.testing import SH
from open311.tests.conftest import BASE, json_doc, xml_doc

pytestmark = pytest.mark.django_db

ENDPOINT_URL = "http://testserver/open311/v2"


def test_discovery_xml_describes_the_endpoint(api):
    response = api.get(f"{BASE}/discovery.xml")

    root, doc = xml_doc(response)
    assert (response.status_code, root) == (200, "discovery")
    assert list(doc) == ["changeset", "contact", "key_service", "endpoints"]
    assert doc["changeset"] == "2026-11-26T00:00:00+08:00"
    assert doc["endpoints"] == [
        {
            "specification": "http://wiki.open311.org/GeoReport_v2",
            "url": ENDPOINT_URL,
            "changeset": "2026-11-26T00:00:00+08:00",
            "type": "production",
            "formats": ["text/xml", "application/json"],
        }
    ]
    assert doc["contact"] and doc["key_service"]


def test_discovery_json_has_the_same_data(api):
    xml = xml_doc(api.get(f"{BASE}/discovery.xml"))[1]

    doc = json_doc(api.get(f"{BASE}/discovery.json"))

    assert doc == xml


def test_discovery_endpoint_changeset_follows_catalogue_changes_in_the_admin(api, world, catalogue):
    item = Item.objects.get(code="RB01")
    with time_machine.travel(datetime(2027, 1, 5, 10, 0, tzinfo=SH), tick=False):
        LogEntry.objects.log_actions(
            user_id=world.admin.pk, queryset=[item], action_flag=CHANGE, change_message="edit"
        )

    doc = json_doc(api.get(f"{BASE}/discovery.json"))

    assert doc["endpoints"][0]["changeset"] == "2027-01-05T10:00:00+08:00"
    assert doc["changeset"] == "2026-11-26T00:00:00+08:00"
