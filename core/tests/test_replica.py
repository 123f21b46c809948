"""Reads from a real PostgreSQL read replica (core.replica), run by scripts/with-replica.sh:
a hot standby streaming from the throwaway primary. Dashboards and public pages read from
it; a person who has just written reads from the primary; writes never go there."""

import json

import pytest
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.replica import REPLICA, WROTE_COOKIE, replica_enabled

pytestmark = [
    pytest.mark.django_db(
        transaction=True, serialized_rollback=True, databases=["default", REPLICA]
    ),
    pytest.mark.skipif(not replica_enabled(), reason="no replica: run scripts/with-replica.sh"),
]


def _on_each(do):
    """What `do` ran on the primary and on the replica: the queries' SQL."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        result = do()
    return result, [q["sql"] for q in primary], [q["sql"] for q in replica]


def _case_reads(sqls) -> int:
    return sum('FROM "cases_case"' in sql for sql in sqls)


def test_the_replica_is_a_standby_of_the_primary():
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone() == (True,)


def test_a_public_read_comes_from_the_replica_and_shows_what_was_just_committed(world, report):
    case = report()  # committed on the primary; the replica has applied it (remote_apply)

    stranger = Client()
    response, primary, replica = _on_each(
        lambda: stranger.get(f"/open311/v2/requests/{case.tracking_no}.json")
    )
    assert response.status_code == 200
    assert json.loads(response.content)[0]["service_request_id"] == case.tracking_no
    assert _case_reads(replica) >= 1 and _case_reads(primary) == 0


def test_a_dashboard_reads_from_the_replica_until_the_person_writes(world, report, client_for):
    report()
    secretary = client_for(world.secretary)
    dashboard = reverse("insights:dashboard")

    response, primary, replica = _on_each(lambda: secretary.get(dashboard))
    assert response.status_code == 200
    assert _case_reads(replica) >= 1 and _case_reads(primary) == 0

    wrote = secretary.post(reverse("elder_mode"), {"on": "1"})  # any write
    assert wrote.cookies[WROTE_COOKIE]["max-age"] > 0
    response, primary, replica = _on_each(lambda: secretary.get(dashboard))
    assert response.status_code == 200
    assert _case_reads(primary) >= 1 and replica == []  # what they just did is on the primary


def test_pages_not_marked_for_the_replica_read_the_primary(world, report, client_for):
    report()
    response, primary, replica = _on_each(
        lambda: client_for(world.secretary).get(reverse("cases:inbox"))
    )
    assert response.status_code == 200
    assert _case_reads(primary) >= 1 and replica == []
