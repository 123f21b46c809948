"""Read as a stranger would: everything served without sign-in, over the demo's year of
history, holds no flat number, no resident's name, no phone or ID number and no case of a
sensitive item or a household's booking."""

import re
from datetime import timedelta

import pytest
from django.test import Client

from core.testing import DEMO_TODAY, demo_community

pytestmark = pytest.mark.django_db

FLAT = re.compile(
    r"[0-9一二三四五六七八九十]+单元|[0-9]{2,4}室|(?<![0-9])[0-9]{1,2}-[0-9]{3,4}(?![0-9])"
)
PHONE_OR_ID = re.compile(
    r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])|(?<![0-9])[0-9]{17}[0-9Xx]|0[0-9]{2,3}-[0-9]{7,8}"
)


@pytest.fixture(scope="module")
def history(demo_community_rows, django_db_blocker):
    from alliance.demo import seed_alliance
    from care.demo import seed_care
    from cases.demo import seed_cases
    from engagement.demo import seed_engagement

    with demo_community(django_db_blocker, demo_community_rows):
        seed_cases(count=800, today=DEMO_TODAY)
        seed_engagement()
        seed_alliance()
        seed_care()
        yield


def _open311_requests(client) -> list[str]:
    """Every public request of the year, in both formats, a 90-day window at a time."""
    bodies, end = [], DEMO_TODAY + timedelta(days=1)
    while end > DEMO_TODAY - timedelta(days=400):
        start = end - timedelta(days=90)
        for fmt in ("json", "xml"):
            page = 1
            while True:
                response = client.get(
                    f"/open311/v2/requests.{fmt}",
                    {
                        "start_date": start.isoformat(),
                        "end_date": end.isoformat(),
                        "page": page,
                        "page_size": 200,
                    },
                )
                assert response.status_code == 200
                body = response.content.decode()
                bodies.append(body)
                if body.count("<service_request_id>") + body.count('"service_request_id"') < 200:
                    break
                page += 1
        end = start
    return bodies


def _public_pages(client) -> list[str]:
    from engagement.models import Activity
    from orgs.models import OrgUnit

    paths = ["/", "/services/", "/engagement/", "/engagement/calendar.ics", "/privacy/"]
    paths += [
        f"/transparency/?community={pk}" for pk in OrgUnit.objects.values_list("pk", flat=True)
    ]
    for pk in Activity.objects.values_list("pk", flat=True):
        paths += [f"/engagement/activities/{pk}/", f"/engagement/activities/{pk}/calendar.ics"]
        paths += [f"/api/v1/engagement/activities/{pk}"]
    paths += ["/api/v1/engagement/activities?limit=100", "/api/v1/catalog/items"]
    paths += ["/api/v1/catalog/domains", "/api/v1/catalog/lists", "/open311/v2/services.json"]
    bodies = []
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        bodies.append(response.content.decode())
    return bodies


def test_nothing_personal_in_anything_public(history):
    from catalog.models import Item
    from residents.models import Resident
    from residents.redaction import known_names

    client = Client()
    requests = _open311_requests(client)
    text = "\n".join(requests + _public_pages(client))
    listed = set(re.findall(r'"service_code": "(\w+)"|<service_code>(\w+)<', "\n".join(requests)))
    codes = {a or b for a, b in listed}
    names, _longest = known_names()
    residents = {n for n in Resident.objects.values_list("name", flat=True) if n in names}

    assert len(re.findall(r'"service_request_id"', text)) > 300  # the year was read
    assert FLAT.findall(text) == []
    assert PHONE_OR_ID.findall(text) == []
    assert sorted(n for n in residents if n in text) == []
    hidden = Item.objects.filter(code__in=codes).exclude(kind="appeal", is_sensitive=False)
    assert list(hidden.values_list("code", flat=True)) == []


def test_the_party_roster_is_for_signed_in_people(history):
    response = Client().get("/engagement/volunteers/")

    assert response.status_code == 302 and "/accounts/" in response["Location"]
