"""The engagement lists make as many queries for three rows as for one (no query per row):
the calendar, the staff's activities and roster, a resident's sign-ups, the volunteers, the
programmes with their enrolments and attendance sheet, deliberation topics, door-knock
visits, and the REST API's lists."""

from datetime import datetime, time, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.testing import make_resident, page_queries
from engagement import services
from engagement.tests.factories import make_activity, make_household_member, resident_user
from residents.models import Tag

pytestmark = pytest.mark.django_db


def _grow(client, url, add, data=None):
    """Row 0, then rows 1 and 2 (`add(n)` makes row n): the rows, the answer with three, and
    the queries with one and with three."""
    rows = [add(0)]
    _r, one = page_queries(client, url, data)
    rows += [add(1), add(2)]
    answer, three = page_queries(client, url, data)
    return rows, answer, one, three


@pytest.fixture
def coming(eng):
    start = timezone.now().replace(microsecond=0) + timedelta(days=1)
    return lambda n: make_activity(
        eng.venue, capacity=1, starts_at=start + timedelta(hours=n), title=f"活动{n}"
    )


@pytest.mark.parametrize("page", ["calendar", "staff_activities"])
def test_activity_lists_make_the_same_queries_for_three_as_for_one(eng, coming, client_for, page):
    client = client_for(eng.world.community) if page == "staff_activities" else Client()
    rows, answer, one, three = _grow(client, reverse(f"engagement:{page}"), coming)

    html = answer.content.decode()
    assert [html.count(f'data-activity="{a.pk}"') for a in rows] == [1, 1, 1]
    assert len(three) == len(one), "\n".join(three)


def test_the_api_calendar_makes_the_same_queries_for_three_as_for_one(eng, coming):
    rows, answer, one, three = _grow(Client(), "/api/v1/engagement/activities", coming)

    assert [a["title"] for a in answer.json()["items"]] == ["活动0", "活动1", "活动2"]
    assert len(three) == len(one), "\n".join(three)


def test_the_roster_makes_the_same_queries_for_three_as_for_one(eng, client_for):
    activity = make_activity(eng.venue, capacity=3, starts_at=timezone.now() + timedelta(days=1))
    people = [(eng.world.R1, eng.u1), (eng.world.R2, eng.u2), (eng.neighbour, eng.u_neighbour)]

    def sign_up(n):
        resident, user = people[n]
        return services.signup_create(activity=activity, resident=resident, user=user)

    url = reverse("engagement:checkin", args=[activity.pk])
    rows, answer, one, three = _grow(client_for(eng.world.community), url, sign_up)

    html = answer.content.decode()
    assert [html.count(f'data-signup="{s.pk}"') for s in rows] == [1, 1, 1]
    assert len(three) == len(one), "\n".join(three)


@pytest.fixture
def waitlisted(eng, coming):
    """R1 on the waitlist of activity n, behind R2 who took its one place."""

    def _waitlisted(n):
        activity = coming(n)
        services.signup_create(activity=activity, resident=eng.world.R2, user=eng.u2)
        return services.signup_create(activity=activity, resident=eng.world.R1, user=eng.u1)

    return _waitlisted


def test_a_residents_signups_make_the_same_queries_for_three_as_for_one(
    eng, waitlisted, client_for
):
    rows, answer, one, three = _grow(client_for(eng.u1), reverse("engagement:mine"), waitlisted)

    html = answer.content.decode()
    assert [html.count(f'data-signup="{s.pk}"') for s in rows] == [1, 1, 1]
    assert html.count('data-status="waitlisted"') == 3
    assert len(three) == len(one), "\n".join(three)


def test_a_households_signups_for_one_activity_make_the_same_queries_for_three_as_for_one(
    eng, coming, client_for
):
    activity = coming(0)
    services.signup_create(activity=activity, resident=eng.world.R2, user=eng.u2)
    household = [
        eng.world.R1,
        eng.child,
        make_household_member(eng.world.H1, name="居民1的老伴", mobile="13905329904"),
    ]

    def sign_up(n):
        return services.signup_create(activity=activity, resident=household[n], user=eng.u1)

    client = client_for(eng.u1)
    client.cookies["django_language"] = "en"
    url = reverse("engagement:activity", args=[activity.pk])
    rows, answer, one, three = _grow(client, url, sign_up)

    html = answer.content.decode()
    assert [html.count(f'data-signup="{s.pk}"') for s in rows] == [1, 1, 1]
    assert [f"Waitlist: number {n}" in html for n in (1, 2, 3)] == [True, True, True]
    assert len(three) == len(one), "\n".join(three)


def test_the_api_signups_make_the_same_queries_for_three_as_for_one(eng, waitlisted, client_for):
    rows, answer, one, three = _grow(client_for(eng.u1), "/api/v1/engagement/signups", waitlisted)

    listed = [(s["id"], s["status"], s["waitlist_position"]) for s in answer.json()["items"]]
    assert listed == [(s.pk, "waitlisted", 1) for s in reversed(rows)]
    assert len(three) == len(one), "\n".join(three)


def test_the_volunteers_roster_makes_the_same_queries_for_three_as_for_one(eng, client_for):
    party = Tag.objects.get(code="party_member")

    def party_member(n):
        resident = make_resident(name=f"党员{n}", mobile=f"1390532100{n}", household=eng.world.H2)
        resident.tags.add(party)
        return services.volunteer_profile_save(
            user=resident_user(resident), show_party_identity=True
        )

    client = client_for(eng.u3)
    rows, answer, one, three = _grow(client, reverse("engagement:volunteers"), party_member)

    html = answer.content.decode()
    assert [html.count(f'data-volunteer="{p.resident_id}"') for p in rows] == [1, 1, 1]
    assert len(three) == len(one), "\n".join(three)


def _term(eng, name="在城长"):
    today = timezone.localdate()
    return services.programme_create(
        actor=eng.world.community,
        name=name,
        community=eng.world.C1,
        venue=eng.venue,
        term_start=today - timedelta(days=60),
        term_end=today + timedelta(days=60),
        capacity=5,
    )


def test_the_programmes_make_the_same_queries_for_three_as_for_one(eng, client_for):
    rows, answer, one, three = _grow(
        client_for(eng.world.community),
        reverse("engagement:programmes"),
        lambda n: _term(eng, name=f"在城长第{n}期"),
    )

    html = answer.content.decode()
    assert [html.count(f'data-programme="{p.pk}"') for p in rows] == [1, 1, 1]
    assert len(three) == len(one), "\n".join(three)


@pytest.fixture
def enrol(eng):
    """A child of H1 enrolled, on paper, on the first day of the term."""
    programme = _term(eng)
    first_day = timezone.make_aware(datetime.combine(programme.term_start, time(9)))

    def _enrol(n):
        make_household_member(eng.world.H1, name=f"孩子{n}", mobile=f"1390532200{n}")
        return services.enrol_by_staff(
            actor=eng.world.community,
            programme=programme,
            guardian_mobile=eng.world.R1.mobile,
            child_name=f"孩子{n}",
            now=first_day,
        )

    _enrol.programme = programme
    return _enrol


def test_a_programmes_enrolments_make_the_same_queries_for_three_as_for_one(eng, enrol, client_for):
    url = reverse("engagement:programme", args=[enrol.programme.pk])
    rows, answer, one, three = _grow(client_for(eng.world.community), url, enrol)

    html = answer.content.decode()
    assert [html.count(f'data-enrolment="{e.pk}"') for e in rows] == [1, 1, 1]
    assert len(three) == len(one), "\n".join(three)


def test_the_attendance_sheet_makes_the_same_queries_for_three_as_for_one(eng, enrol, client_for):
    day = timezone.localdate()
    while not services.is_school_day(day):
        day -= timedelta(days=1)
    url = reverse("engagement:attendance", args=[enrol.programme.pk, day.isoformat()])
    rows, answer, one, three = _grow(client_for(eng.world.community), url, enrol)

    html = answer.content.decode()
    assert [html.count(f'data-child="{e.pk}"') for e in rows] == [1, 1, 1]
    assert len(three) == len(one), "\n".join(three)


@pytest.mark.parametrize("url", [reverse("engagement:topics"), "/api/v1/engagement/topics"])
def test_deliberation_topics_make_the_same_queries_for_three_as_for_one(eng, client_for, url):
    def propose(n):
        return services.topic_propose(
            user=eng.u1,
            title=f"议题{n}：小区加装电梯",
            description="楼里老人多，上下楼不方便",
            community=eng.world.C1,
        )

    rows, answer, one, three = _grow(client_for(eng.u1), url, propose)

    if url.startswith("/api/"):
        assert [t["id"] for t in answer.json()["items"]] == [t.pk for t in reversed(rows)]
    else:
        html = answer.content.decode()
        assert [html.count(f'data-topic="{t.pk}"') for t in rows] == [1, 1, 1]
    assert len(three) == len(one), "\n".join(three)


def test_door_knock_visits_make_the_same_queries_for_three_as_for_one(eng, client_for):
    worker = eng.world.grid_worker

    def knock(n):
        return services.visit_log(
            actor=worker,
            household=eng.world.H1,
            visited_at=timezone.now() - timedelta(days=n),
            visitors="赵志强",
            heard=f"第{n}次入户：反映楼道灯不亮",
        )

    rows, answer, one, three = _grow(client_for(worker), reverse("engagement:visits"), knock)

    html = answer.content.decode()
    assert [html.count(f'data-visit="{v.pk}"') for v in rows] == [1, 1, 1]
    assert len(three) == len(one), "\n".join(three)
