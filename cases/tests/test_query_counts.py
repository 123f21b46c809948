"""The lists that grow make as many queries for three rows as for one (no query per row):
the inbox and the notifications, on the pages and in the REST API, and a resident's cases."""

import pytest
from django.urls import reverse

from cases.models import Notification
from core.testing import page_queries

pytestmark = pytest.mark.django_db

TEXTS = ["楼道里堆满了杂物，影响通行", "3号楼门口路灯不亮了", "小区东门的垃圾桶满了没人清"]


def _grow(report, world, client, url, data=None):
    """The page with one case, then with three: (response, queries) of each."""
    cases = [report(text=TEXTS[0])]
    one = page_queries(client, url, data)
    cases += [report(text=text) for text in TEXTS[1:]]
    return cases, one, page_queries(client, url, data)


def test_the_inbox_makes_the_same_queries_for_three_cases_as_for_one(report, world, client_for):
    cases, (_r, one), (page, three) = _grow(
        report, world, client_for(world.manager), reverse("cases:inbox")
    )

    html = page.content.decode()
    assert [c.tracking_no in html for c in cases] == [True, True, True]
    assert len(three) == len(one), "\n".join(three)


def test_the_api_inbox_makes_the_same_queries_for_three_cases_as_for_one(report, world, client_for):
    cases, (_r, one), (answer, three) = _grow(
        report, world, client_for(world.manager), "/api/v1/cases", {"tab": "pending"}
    )

    listed = [row["tracking_no"] for row in answer.json()["items"]]
    assert sorted(listed) == sorted(c.tracking_no for c in cases)
    assert len(three) == len(one), "\n".join(three)


def test_a_residents_cases_make_the_same_queries_for_three_as_for_one(report, world, client_for):
    report(text=TEXTS[0])  # creates world.resident_user
    client = client_for(world.resident_user)
    _r, one = page_queries(client, reverse("cases:mine"))
    cases = [report(text=text) for text in TEXTS[1:]]
    page, three = page_queries(client, reverse("cases:mine"))

    html = page.content.decode()
    assert [c.tracking_no in html for c in cases] == [True, True]
    assert len(three) == len(one), "\n".join(three)


@pytest.mark.parametrize("who", ["manager", "resident_user"])
def test_notifications_make_the_same_queries_for_three_as_for_one(
    report, world, client_for, who, fan_out
):
    from cases import services

    def notified(n):
        case = report(text=TEXTS[n])
        services.case_accept(case=case, actor=world.property_staff)
        fan_out()
        return case

    notified(0)
    user = getattr(world, who)
    client = client_for(user)
    _r, one = page_queries(client, reverse("cases:notifications"))
    _r, api_one = page_queries(client, "/api/v1/notifications")
    notified(1), notified(2)
    page, three = page_queries(client, reverse("cases:notifications"))
    answer, api_three = page_queries(client, "/api/v1/notifications")

    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    assert unread.count() >= 3
    assert len(answer.json()) == unread.count()
    assert page.content.decode().count('class="list-group-item ') == unread.count()
    assert (len(three), len(api_three)) == (len(one), len(api_one)), "\n".join(three + api_three)


def test_one_intake_through_the_api_runs_a_fixed_few_statements_and_fans_out_nothing(
    world, catalogue
):
    """`POST /api/v1/cases` writes only what must be atomic with the case (the case, its
    sides, its event, its tallies and one outbox row): who hears of it is the worker's."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from api.tests.test_api import _client, _create
    from orgs.models import User

    world.R1.user = User.objects.create(username="resident-r1")
    world.R1.save()
    client = _client(world.R1.user)
    _create(client, world, key="warm")  # what each process caches once (the calendar)
    with CaptureQueriesContext(connection) as captured:
        answer = _create(client, world, key="k-2", description="3号楼门口路灯不亮了")

    assert answer.status_code == 201
    # The test's own transaction wraps the request in a savepoint; in production it is BEGIN.
    sql = [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(sql) <= 14, "\n".join(sql)
    assert not [s for s in sql if "cases_notification" in s]
    [queued] = [s for s in sql if "cases_outboxmessage" in s]
    assert "fanout" in queued
