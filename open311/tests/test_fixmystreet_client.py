"""A FixMyStreet-style client over real HTTP: the calls and the reading of mySociety's
Open311 adapter (perllib/Open311.pm, Open311/GetServiceRequestUpdates.pm), in Python. It sends
a report, reads the updates after staff reply and resolve, and posts a resident's comment."""

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
import requests
from django.utils import timezone

from cases import services as case_services
from cases.models import Action, Case
from open311 import services

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Open311->map_state: lower case, underscores as spaces, then these (else the value itself).
STATE_MAP = {
    "fixed": "fixed - council",
    "not councils responsibility": "not responsible",
    "no further action": "unable to fix",
    "open": "confirmed",
    "closed": "closed",  # extended statuses on
}
# FixMyStreet's states that an update may set (Problem->visible_states, with the defaults).
VISIBLE_STATES = {
    "confirmed",
    "investigating",
    "in progress",
    "action scheduled",
    "fixed",
    "fixed - council",
    "fixed - user",
    "closed",
    "not responsible",
    "duplicate",
    "unable to fix",
    "internal referral",
}


def _w3c(moment: datetime) -> str:
    """DateTime::Format::W3CDTF->format_datetime of a UTC DateTime."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class FixMyStreet:
    """What the adapter sends and how it reads the answers (XML, with XML::Simple's
    ForceArray on `request_update` and `request`)."""

    def __init__(self, endpoint: str, *, api_key: str, jurisdiction: str):
        self.endpoint, self.api_key, self.jurisdiction = endpoint, api_key, jurisdiction

    def _request(self, method, path, params):
        params = {**params, "jurisdiction_id": self.jurisdiction}
        if method == "POST":
            params["api_key"] = self.api_key
            response = requests.post(f"{self.endpoint}/{path}", data=params, timeout=10)
        else:
            response = requests.get(f"{self.endpoint}/{path}", params=params, timeout=10)
        response.raise_for_status()
        return ET.fromstring(response.content)

    def send_service_request(self, *, service_code, description, address_string, name):
        first, last = name
        root = self._request(
            "POST",
            "requests.xml",
            {
                "service_code": service_code,
                "description": description,
                "address_string": address_string,
                "lat": "36.067123",
                "long": "120.382679",
                "first_name": first,
                "last_name": last,
                "attribute[fixmystreet_id]": "1001",
            },
        )
        return root.find("request").findtext("service_request_id")

    def get_service_request_updates(self, start: datetime, end: datetime) -> list[dict]:
        root = self._request(
            "GET",
            "servicerequestupdates.xml",
            {"api_key": self.api_key, "start_date": _w3c(start), "end_date": _w3c(end)},
        )
        return [
            {child.tag: child.text for child in update} for update in root.iter("request_update")
        ]

    def post_service_request_update(self, *, external_id, comment_id, text, name):
        first, last = name
        root = self._request(
            "POST",
            "servicerequestupdates.xml",
            {
                "updated_datetime": _w3c(timezone.now()),
                "service_request_id": external_id,
                "status": "OPEN",
                "description": text,
                "last_name": last,
                "first_name": first,
                "email": "resident@example.com",
                "update_id": str(comment_id),
            },
        )
        return root.find("request_update").findtext("update_id")


def map_state(status: str) -> str:
    incoming = status.lower().replace("_", " ")
    return STATE_MAP.get(incoming, incoming)


def process_requests(updates, start, end, *, comments: dict) -> list[tuple]:
    """GetServiceRequestUpdates->process_requests: skip an update out of the window (check_date)
    or already a comment (by update_id, the comment's external_id); keep the rest."""
    created = []
    for update in updates:
        updated = datetime.fromisoformat(update["updated_datetime"]).astimezone(UTC)
        if not (_w3c(start) <= _w3c(updated) <= _w3c(end)):
            continue
        if update["update_id"] in comments:
            continue
        state = map_state(update["status"])
        comments[update["update_id"]] = update["description"]
        created.append((update["description"], state if state in VISIBLE_STATES else None))
    return created


def test_fixmystreet_reads_the_updates_after_staff_reply_and_resolve(live_server, world, catalogue):
    _client, key = services.client_create(name="FixMyStreet 青岛", community=world.C1)
    fms = FixMyStreet(f"{live_server.url}/open311/v2", api_key=key, jurisdiction="fc")
    external_id = fms.send_service_request(
        service_code="RB01",
        description="楼道堆满杂物，影响通行",
        address_string="方城路小区 1号楼",
        name=("秀兰", "王"),
    )
    case = Case.objects.get(tracking_no=external_id)
    case_services.case_accept(case=case, actor=world.manager)
    case_services.case_reply(case=case, actor=world.manager, text="今天下午清理")
    case_services.case_reply(case=case, actor=world.manager, text="叫保洁", public=False)
    case_services.case_resolve(case=case, actor=world.manager, note="已清理干净")
    comments = {}

    # Every few minutes, the last two hours (the adapter's default).
    now = timezone.now()
    first = process_requests(
        fms.get_service_request_updates(now - timedelta(hours=2), now),
        now - timedelta(hours=2),
        now,
        comments=comments,
    )
    comment_id = fms.post_service_request_update(
        external_id=external_id, comment_id=77, text="谢谢，干净了", name=("秀兰", "王")
    )
    # The adapter records the answer as its comment's external_id.
    comments[comment_id] = "谢谢，干净了"
    later = timezone.now()
    second = process_requests(
        fms.get_service_request_updates(later - timedelta(hours=2), later),
        later - timedelta(hours=2),
        later,
        comments=comments,
    )

    assert first == [
        ("已受理（签收）", "action scheduled"),  # what happened, when nothing was said
        ("今天下午清理", "action scheduled"),
        ("已清理干净", "fixed - council"),
    ]
    assert second == []  # nothing new, and its own comment does not come back
    reply = case.events.get(action=Action.RESIDENT_REPLY)
    assert (comment_id, reply.note, reply.party) == (str(reply.pk), "谢谢，干净了", "resident")
