"""The change feed of the REST API: `GET /api/v1/cases?updated_since=` lists the cases changed
since an instant, oldest change first, and `GET /api/v1/cases/events` the timeline events after
a cursor, so another system syncs without re-reading every case. Both follow the caller's
scope, and the events are read as the case page shows them."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.services import token_create
from cases import services, worker
from cases.models import Case, Channel
from catalog.models import Item
from core.testing import make_user
from orgs.roles import Role

pytestmark = pytest.mark.django_db


def _client(user):
    _token, key = token_create(user=user, name="sync")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def _file(world, *, estate, building, text="楼道堆满杂物", now=None, resident=None):
    return services.case_submit(
        item=Item.objects.get(code="RB01"),
        description=text,
        channel=Channel.PHONE,
        created_by=world.secretary,
        resident=resident,
        estate=estate,
        building=building,
        now=now or timezone.now(),
    )


def _feed(user, **params) -> list[str]:
    """Every page of the change feed, as tracking numbers."""
    client, found, cursor = _client(user), [], ""
    while True:
        page = client.get("/api/v1/cases", {**params, "cursor": cursor, "limit": 2}).json()
        found += [c["tracking_no"] for c in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return found


@pytest.fixture
def other_community(world):
    """A staff member of 武定路社区 (community C2, estate E3)."""
    return make_user("c2-staff", role=Role.COMMUNITY_STAFF, org_unit=world.C2)


@pytest.fixture
def three(world, catalogue):
    """A case in each estate, in the order filed: E1 (方圆物业, 方城路社区), E2 (德润物业,
    方城路社区), E3 (方圆物业, 武定路社区)."""
    start = timezone.now() - timedelta(minutes=5)
    return [
        _file(world, estate=world.E1, building=world.B1, now=start),
        _file(world, estate=world.E2, building=world.B2, now=start + timedelta(minutes=1)),
        _file(world, estate=world.E3, building=world.B3, now=start + timedelta(minutes=2)),
    ]


def test_the_feed_lists_what_changed_since_an_instant_in_scope_only(world, three, other_community):
    e1, e2, e3 = three
    since = timezone.now()
    services.case_accept(case=e3, actor=world.manager)
    services.case_reply(case=e1, actor=world.secretary, text="已安排网格员查看")
    services.case_accept(case=e2, actor=world.other_manager)

    seen = {
        name: _feed(user, updated_since=since.isoformat())
        for name, user in [
            ("admin", world.admin),
            ("manager", world.manager),
            ("other company", world.other_manager),
            ("secretary", world.secretary),
            ("other community", other_community),
            ("stranger", world.nobody),
        ]
    }

    assert seen == {
        "admin": [e3.tracking_no, e1.tracking_no, e2.tracking_no],  # in the order changed
        "manager": [e3.tracking_no, e1.tracking_no],
        "other company": [e2.tracking_no],
        "secretary": [e1.tracking_no, e2.tracking_no],
        "other community": [e3.tracking_no],
        "stranger": [],
    }


def test_a_sync_from_its_last_read_gets_only_the_cases_changed_since(world, three):
    e1, _e2, e3 = three
    first = _feed(world.manager, updated_since=(timezone.now() - timedelta(hours=1)).isoformat())
    last_read = timezone.now()
    services.case_accept(case=e1, actor=world.manager)

    then = _feed(world.manager, updated_since=last_read.isoformat())

    assert first == [e1.tracking_no, e3.tracking_no]
    assert then == [e1.tracking_no]


def test_a_case_changed_while_a_sync_pages_moves_to_the_end_and_none_is_missed(world, three):
    client = _client(world.admin)
    since = (timezone.now() - timedelta(hours=1)).isoformat()
    first = client.get("/api/v1/cases", {"updated_since": since, "limit": 2}).json()
    # Between two pages: one case already read and the one not yet read change.
    services.case_accept(case=three[0], actor=world.manager)
    services.case_accept(case=three[2], actor=world.manager)
    rest = client.get(
        "/api/v1/cases", {"updated_since": since, "limit": 2, "cursor": first["next_cursor"]}
    ).json()

    read = [c["tracking_no"] for c in first["items"] + rest["items"]]
    assert read == [three[0].tracking_no, three[1].tracking_no] + [
        three[0].tracking_no,  # read again: it changed
        three[2].tracking_no,  # read once, as it is now
    ]
    assert [c["status"] for c in rest["items"]] == ["accepted", "accepted"]
    assert rest["next_cursor"] is None


def test_the_escalation_sweep_puts_a_case_in_the_feed(world, three):
    leak = _file(world, estate=world.E1, building=world.B1, text="楼上漏水，水一直往下滴")
    sweep = Case.objects.get(pk=leak.pk).next_escalation_at  # 30 minutes on: an emergency
    before = _feed(world.secretary, updated_since=sweep.isoformat())

    assert worker.escalate_due(now=sweep) == 1  # the others have hours to go

    assert before == []
    assert _feed(world.secretary, updated_since=sweep.isoformat()) == [leak.tracking_no]


def test_a_resident_syncs_their_own_cases(world, catalogue, resident_client):
    own = _file(world, estate=world.E1, building=world.B1, resident=world.R1)
    _file(world, estate=world.E1, building=world.B1)  # a neighbour's

    assert _feed(world.resident_user, updated_since="2026-01-01T00:00:00+08:00") == [
        own.tracking_no
    ]


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("yesterday", "Input should be a valid datetime or date, input is too short"),
        ("", "Input should be a valid datetime or date, input is too short"),
        ("2026-11-25T09:00:00", "Input should have timezone info"),
        ("2026-11-25", "Input should have timezone info"),
        (
            "2026-13-01T00:00:00Z",
            "Input should be a valid datetime or date, month value is outside expected range "
            "of 1-12",
        ),
        ("0001-01-01T00:00:00+14:00", "Value error, out of range"),
        ("9999-12-31T23:59:59-12:00", "Value error, out of range"),
    ],
)
def test_an_instant_that_is_not_one_is_refused_in_the_one_shape(world, catalogue, value, problem):
    response = _client(world.manager).get("/api/v1/cases", {"updated_since": value})

    assert (response.status_code, response.json()) == (
        422,
        {
            "code": "invalid",
            "message": "The request is not valid.",
            "fields": {"updated_since": [problem]},
        },
    )


def test_the_feed_query_reads_along_its_index(world, three):
    """At a million cases a page of the feed must not sort every case changed since the
    instant: it walks `case_updated` from the instant, or from the cursor, on."""
    client = _client(world.admin)
    since = (timezone.now() - timedelta(hours=1)).isoformat()
    first = client.get("/api/v1/cases", {"updated_since": since, "limit": 1}).json()
    with CaptureQueriesContext(connection) as captured:
        client.get("/api/v1/cases", {"updated_since": since, "cursor": first["next_cursor"]})
    (sql,) = [
        q["sql"]
        for q in captured.captured_queries
        if 'ORDER BY "cases_case"."updated_at"' in q["sql"]
    ]

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A table of three rows is best read whole: make the planner show its way for many.
            for knob in ("seqscan", "bitmapscan", "sort"):
                cursor.execute(f"SET LOCAL enable_{knob} = off")
            cursor.execute(f"EXPLAIN {sql}")
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        plan = "\n".join(str(row[-1]) for row in cursor.fetchall())

    assert "case_updated" in plan
    assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan  # read in the index's order


# ---------------------------------------------------------------------------------------------
# Events


def _events(user, cursor="") -> tuple[list[tuple], str | None]:
    page = _client(user).get("/api/v1/cases/events", {"cursor": cursor, "limit": 100}).json()
    rows = [
        (e["tracking_no"], e["action"], e["party"], e["public"], e["note"]) for e in page["items"]
    ]
    return rows, page["next_cursor"]


@pytest.fixture
def handled(world, catalogue, resident_client):
    """R1's case in E1, handled by both sides: a public answer, internal notes, and a note
    for the community side only."""
    case = _file(world, estate=world.E1, building=world.B1, resident=world.R1)
    services.case_accept(case=case, actor=world.manager)
    services.case_reply(case=case, actor=world.manager, text="师傅下午上门", public=False)
    services.case_reply(
        case=case, actor=world.secretary, text="老人独居，有心脏病", community_only=True
    )
    services.case_reply(case=case, actor=world.secretary, text="已通知物业处理")
    return case


def test_events_are_read_as_the_case_page_shows_them(world, handled, other_community):
    no = handled.tracking_no
    submitted = (no, "submit", "community", True, "")
    accepted = (no, "accept", "property_company", True, "")
    internal = (no, "note", "property_company", False, "师傅下午上门")
    community_only = (no, "note", "community", False, "老人独居，有心脏病")
    answered = (no, "reply", "community", True, "已通知物业处理")

    seen = {
        name: _events(user)[0]
        for name, user in [
            ("secretary", world.secretary),
            ("grid worker", world.grid_worker),
            ("manager", world.manager),
            ("technician", world.technician),
            ("other company", world.other_manager),
            ("other community", other_community),
            ("stranger", world.nobody),
            ("resident", world.resident_user),
        ]
    }

    assert seen == {
        "secretary": [submitted, accepted, internal, community_only, answered],
        "grid worker": [submitted, accepted, internal, community_only, answered],
        "manager": [submitted, accepted, internal, answered],
        "technician": [],  # a technician reads only the cases assigned to them
        "other company": [],
        "other community": [],
        "stranger": [],
        "resident": [submitted, accepted, answered],
    }


def test_events_after_a_cursor_are_only_the_new_ones_oldest_first(world, handled):
    client = _client(world.manager)

    def read(cursor=""):
        return client.get("/api/v1/cases/events", {"limit": 3, "cursor": cursor}).json()

    first = read()
    rest = read(first["next_cursor"])
    nothing_yet = read(rest["next_cursor"])
    services.case_resolve(case=handled, actor=world.manager, note="已修好")
    since = read(nothing_yet["next_cursor"])

    ids = [e["id"] for e in first["items"] + rest["items"]]
    assert [e["action"] for e in first["items"] + rest["items"]] == [
        "submit",
        "accept",
        "note",
        "reply",
    ]
    assert ids == sorted(ids)
    assert (first["has_more"], rest["has_more"]) == (True, False)
    assert (nothing_yet["items"], nothing_yet["next_cursor"]) == ([], rest["next_cursor"])
    assert [(e["action"], e["note"], e["party"]) for e in since["items"]] == [
        ("resolve", "已修好", "property_company")
    ]
    assert since["items"][0]["id"] > ids[-1] and since["has_more"] is False


@pytest.mark.skipif(connection.vendor != "postgresql", reason="writers that commit out of order")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_event_that_commits_after_a_later_one_is_not_skipped(world, catalogue):
    """Two staff answer two cases at once: the first answer's event gets the lower id but its
    transaction commits last. A sync that read the second answer must still get the first."""
    import threading

    from django.db import connections, transaction

    slow_case = _file(world, estate=world.E1, building=world.B1)
    fast_case = _file(world, estate=world.E1, building=world.B1, text="楼道灯不亮")
    client = _client(world.manager)
    inserted, release = threading.Event(), threading.Event()

    def slow_answer():
        try:
            with transaction.atomic():
                services.case_reply(case=slow_case, actor=world.secretary, text="社区已联系物业")
                inserted.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    slow = threading.Thread(target=slow_answer)
    slow.start()
    assert inserted.wait(timeout=30)
    services.case_reply(case=fast_case, actor=world.manager, text="师傅下午上门")

    def read(cursor=""):
        page = client.get("/api/v1/cases/events", {"cursor": cursor}).json()
        return [e["note"] for e in page["items"]], page["next_cursor"]

    before, cursor = read()
    release.set()
    slow.join(timeout=30)
    after, _cursor = read(cursor)

    assert sorted(before + after) == sorted(["", "", "社区已联系物业", "师傅下午上门"])
