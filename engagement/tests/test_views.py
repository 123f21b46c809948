from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from catalog.models import Domain, Item
from core.testing import make_user
from engagement import services
from engagement.models import Activity, Meeting, Signup, Topic, Venue, Visit
from engagement.tests.factories import make_activity
from orgs.roles import Role
from residents.models import Tag

pytestmark = pytest.mark.django_db


def _english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def as_user(client_for):
    return lambda user: _english(client_for(user))


@pytest.fixture
def soon(eng):
    """An activity starting in an hour: sign-up still open, check-in already open."""
    start = timezone.now().replace(microsecond=0) + timedelta(hours=1)
    return make_activity(eng.venue, capacity=2, volunteer_capacity=1, starts_at=start)


def _html(response):
    return response.content.decode()


# ---------------------------------------------------------------------------------------------
# Public pages


def test_calendar_lists_upcoming_activities_without_sign_in(eng, soon):
    past = make_activity(
        eng.venue, title="上周的讲座", starts_at=timezone.now() - timedelta(days=7)
    )

    response = _english(Client()).get(reverse("engagement:calendar"))

    html = _html(response)
    assert response.status_code == 200
    assert f'data-activity="{soon.pk}"' in html
    assert f'data-activity="{past.pk}"' not in html
    assert "hgj-domain hgj-domain-orange" in html


def test_calendar_filters_by_community_and_ignores_bad_filters(eng, soon):
    other = make_activity(
        eng.other_venue, title="武定路书法班", starts_at=timezone.now() + timedelta(days=2)
    )
    client = _english(Client())

    filtered = _html(client.get(reverse("engagement:calendar"), {"community": eng.world.C2.pk}))
    bad = client.get(reverse("engagement:calendar"), {"community": "x", "page": "zz"})

    assert f'data-activity="{other.pk}"' in filtered
    assert f'data-activity="{soon.pk}"' not in filtered
    assert bad.status_code == 200
    assert f'data-activity="{other.pk}"' in _html(bad)  # the bad filters are ignored
    assert f'data-activity="{soon.pk}"' in _html(bad)


def test_activity_ics_is_a_calendar_download(eng, soon):
    response = Client().get(reverse("engagement:activity_ics", args=[soon.pk]))

    body = response.content.decode()
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert f"UID:activity-{soon.pk}@hongguanjia\r\n" in body
    assert f"http://testserver/engagement/activities/{soon.pk}/" in body.replace("\r\n ", "")


def test_calendar_ics_lists_every_upcoming_activity(eng, soon):
    later = make_activity(eng.other_venue, title="书法班", starts_at=soon.starts_at + timedelta(1))

    body = Client().get(reverse("engagement:calendar_ics")).content.decode()

    assert body.count("BEGIN:VEVENT") == 2
    assert f"UID:activity-{later.pk}@hongguanjia" in body


def test_activity_missing_is_404(db):
    assert Client().get(reverse("engagement:activity", args=[999])).status_code == 404
    assert Client().get(reverse("engagement:activity_ics", args=[999])).status_code == 404


# ---------------------------------------------------------------------------------------------
# Residents: sign-up, waitlist, cancel, my sign-ups


def test_resident_signs_up_and_sees_the_check_in_code(eng, soon, as_user):
    client = as_user(eng.u1)

    response = client.post(
        reverse("engagement:signup", args=[soon.pk]), {"resident": eng.world.R1.pk}, follow=True
    )

    signup = Signup.objects.get()
    html = _html(response)
    assert signup.status == "confirmed" and signup.signed_up_by == eng.u1
    assert f"居民1 is signed up. Check-in code: {signup.code}." in html
    assert f'<span class="font-monospace fs-5" data-code>{signup.code}</span>' in html


def test_resident_signs_up_a_child_of_the_household(eng, soon, as_user):
    as_user(eng.u1).post(reverse("engagement:signup", args=[soon.pk]), {"resident": eng.child.pk})

    assert list(Signup.objects.values_list("resident__name", "signed_up_by")) == [
        ("居民1的孩子", eng.u1.pk)
    ]


def test_signup_when_full_shows_the_waitlist_position(eng, soon, as_user):
    for resident, user in [(eng.world.R2, eng.u2), (eng.neighbour, eng.u_neighbour)]:
        services.signup_create(activity=soon, resident=resident, user=user)

    response = as_user(eng.u1).post(
        reverse("engagement:signup", args=[soon.pk]), {"resident": eng.world.R1.pk}, follow=True
    )

    assert "The activity is full: 居民1 is number 1 on the waitlist." in _html(response)
    assert Signup.objects.get(resident=eng.world.R1).status == "waitlisted"


def test_signup_for_someone_outside_the_household_shows_a_message(eng, soon, as_user):
    response = as_user(eng.u1).post(
        reverse("engagement:signup", args=[soon.pk]), {"resident": eng.world.R3.pk}
    )

    assert response.status_code == 400
    assert "Select a valid choice" in _html(response)
    assert Signup.objects.count() == 0


def test_signup_twice_shows_a_message(eng, soon, as_user):
    client = as_user(eng.u1)
    client.post(reverse("engagement:signup", args=[soon.pk]), {"resident": eng.world.R1.pk})

    response = client.post(
        reverse("engagement:signup", args=[soon.pk]), {"resident": eng.world.R1.pk}
    )

    assert response.status_code == 400
    assert "居民1 is already signed up." in _html(response)
    assert Activity.objects.get(pk=soon.pk).taken == 1


def test_signup_by_staff_is_404_and_anonymous_goes_to_sign_in(eng, soon, as_user):
    staff = as_user(eng.world.community).post(reverse("engagement:signup", args=[soon.pk]))
    anonymous = Client().post(reverse("engagement:signup", args=[soon.pk]))

    assert staff.status_code == 404
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")


def test_cancel_promotes_the_waitlist_and_the_promoted_resident_sees_the_notice(eng, soon, as_user):
    mine = services.signup_create(activity=soon, resident=eng.world.R1, user=eng.u1)
    services.signup_create(activity=soon, resident=eng.world.R2, user=eng.u2)
    waiting = services.signup_create(activity=soon, resident=eng.neighbour, user=eng.u_neighbour)

    as_user(eng.u1).post(reverse("engagement:signup_cancel", args=[mine.pk]))
    page = _html(as_user(eng.u_neighbour).get(reverse("engagement:mine")))

    assert Signup.objects.get(pk=waiting.pk).status == "confirmed"
    assert "data-notice" in page and waiting.code in page


def test_cancel_someone_elses_signup_is_404(eng, soon, as_user):
    theirs = services.signup_create(activity=soon, resident=eng.world.R2, user=eng.u2)

    response = as_user(eng.u1).post(reverse("engagement:signup_cancel", args=[theirs.pk]))

    assert response.status_code == 404
    assert Signup.objects.get(pk=theirs.pk).status == "confirmed"


def test_my_signups_show_only_mine_with_codes(eng, soon, as_user):
    mine = services.signup_create(activity=soon, resident=eng.child, user=eng.u1)
    theirs = services.signup_create(activity=soon, resident=eng.world.R2, user=eng.u2)

    html = _html(as_user(eng.u1).get(reverse("engagement:mine")))

    assert f'data-signup="{mine.pk}"' in html and mine.code in html
    assert f'data-signup="{theirs.pk}"' not in html and theirs.code not in html


def test_volunteer_reports_hours_and_bad_hours_show_a_message(eng, as_user):
    started = make_activity(
        eng.venue,
        volunteer_capacity=1,
        starts_at=timezone.now() - timedelta(hours=1),
        created_at=timezone.now() - timedelta(days=1),
    )
    signup = Signup.objects.create(
        activity=started,
        resident=eng.world.R1,
        signed_up_by=eng.u1,
        as_volunteer=True,
        status="confirmed",
        code="ABC234",
        created_at=timezone.now() - timedelta(days=1),
    )
    client = as_user(eng.u1)

    bad = client.post(reverse("engagement:hours_report", args=[signup.pk]), {"hours": "abc"})
    good = client.post(
        reverse("engagement:hours_report", args=[signup.pk]),
        {"hours": "1.5", "note": "备课"},
        follow=True,
    )

    assert bad.status_code == 302
    assert "Your hours were sent for approval." in _html(good)
    signup.refresh_from_db()
    assert (signup.hours_status, signup.reported_minutes) == ("pending", 90)


def test_profile_party_identity_for_a_non_member_shows_a_message(eng, as_user):
    client = as_user(eng.u1)

    refused = client.post(
        reverse("engagement:profile"), {"skills": "修理", "show_party_identity": "on"}
    )
    eng.world.R1.tags.add(Tag.objects.get(code="party_member"))
    client.post(reverse("engagement:profile"), {"skills": "修理", "show_party_identity": "on"})
    roster = _html(as_user(eng.u2).get(reverse("engagement:volunteers")))  # a neighbour

    assert refused.status_code == 400
    assert "Only residents recorded as party members can show a party identity." in _html(refused)
    assert f'data-volunteer="{eng.world.R1.pk}"' in roster and "修理" in roster


# ---------------------------------------------------------------------------------------------
# Staff: activities, check-in


def test_staff_create_an_activity(eng, as_user):
    start = (timezone.localtime() + timedelta(days=2)).replace(hour=16, minute=30)
    response = as_user(eng.world.community).post(
        reverse("engagement:activity_new"),
        {
            "title": "“在城长”四点半课堂",
            "domain": Domain.objects.get(code="red").pk,
            "venue": eng.venue.pk,
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(minutes=90)).strftime("%Y-%m-%dT%H:%M"),
            "organiser": "社区党委",
            "organiser_unit": eng.world.C1.pk,
            "audience": "小学生",
            "capacity": "20",
            "volunteer_capacity": "2",
            "description": "",
            "repeat_days": "0",
        },
    )

    created = Activity.objects.get(title="“在城长”四点半课堂")
    assert response.status_code == 302
    assert response["Location"] == reverse("engagement:checkin", args=[created.pk])
    assert (created.capacity, created.volunteer_capacity, created.created_by) == (
        20,
        2,
        eng.world.community,
    )


def test_staff_create_an_activity_with_bad_times_shows_messages(eng, as_user):
    response = as_user(eng.world.community).post(
        reverse("engagement:activity_new"),
        {
            "title": "文艺送演",
            "domain": Domain.objects.get(code="orange").pk,
            "venue": eng.venue.pk,
            "starts_at": "2020-01-01T10:00",
            "ends_at": "2019-12-31T10:00",
            "organiser": "社区党委",
            "organiser_unit": eng.world.C1.pk,
            "capacity": "-3",
            "volunteer_capacity": "0",
            "repeat_days": "0",
        },
    )

    html = _html(response)
    assert response.status_code == 400
    assert "The end must be after the start." in html
    assert "Choose a start in the future." in html
    assert "Ensure this value is greater than or equal to 1." in html
    assert Activity.objects.count() == 1


def test_activity_new_for_roles_without_back_office_is_404(eng, as_user):
    for user in (eng.world.grid_worker, eng.world.partner, eng.u1):
        assert as_user(user).get(reverse("engagement:activity_new")).status_code == 404


def test_check_in_button_with_htmx_returns_the_row(eng, soon, as_user):
    signup = services.signup_create(activity=soon, resident=eng.world.R1, user=eng.u1)

    response = as_user(eng.world.community).post(
        reverse("engagement:check_in", args=[signup.pk]), HTTP_HX_REQUEST="true"
    )

    html = _html(response)
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<tr id="signup-{signup.pk}"')
    assert "data-checked-in" in html and "<html" not in html
    assert Signup.objects.get(pk=signup.pk).checked_in_by == eng.world.community


def test_check_in_twice_with_htmx_shows_the_message_in_the_row(eng, soon, as_user):
    signup = services.signup_create(activity=soon, resident=eng.world.R1, user=eng.u1)
    client = as_user(eng.world.community)
    client.post(reverse("engagement:check_in", args=[signup.pk]), HTTP_HX_REQUEST="true")

    response = client.post(reverse("engagement:check_in", args=[signup.pk]), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert "居民1 already checked in at" in _html(response)


def test_check_in_by_code_with_htmx_re_renders_the_roster(eng, soon, as_user):
    signup = services.signup_create(activity=soon, resident=eng.world.R1, user=eng.u1)
    client = as_user(eng.world.partner)

    done = client.post(
        reverse("engagement:checkin_code", args=[soon.pk]),
        {"code": signup.code.lower()},
        HTTP_HX_REQUEST="true",
    )
    unknown = client.post(
        reverse("engagement:checkin_code", args=[soon.pk]),
        {"code": "ZZZ999"},
        HTTP_HX_REQUEST="true",
    )
    malformed = client.post(
        reverse("engagement:checkin_code", args=[soon.pk]), {"code": "12"}, follow=True
    )

    assert _html(done).lstrip().startswith('<div id="roster">')
    assert "Checked in: 居民1." in _html(done)
    assert "No sign-up with code ZZZ999 for this activity." in _html(unknown)
    assert "A check-in code has 6 letters and digits." in _html(malformed)
    assert Signup.objects.get(pk=signup.pk).checked_in_at is not None


def test_check_in_page_of_another_community_is_404(eng, soon, as_user):
    other = make_user("shequ2", role=Role.COMMUNITY_STAFF, org_unit=eng.world.C2)
    signup = services.signup_create(activity=soon, resident=eng.world.R1, user=eng.u1)
    client = as_user(other)

    assert client.get(reverse("engagement:checkin", args=[soon.pk])).status_code == 404
    assert client.post(reverse("engagement:check_in", args=[signup.pk])).status_code == 404
    assert (
        client.post(
            reverse("engagement:checkin_code", args=[soon.pk]), {"code": signup.code}
        ).status_code
        == 404
    )
    assert Signup.objects.get(pk=signup.pk).checked_in_at is None


def test_residents_cannot_check_in(eng, soon, as_user):
    signup = services.signup_create(activity=soon, resident=eng.world.R1, user=eng.u1)
    client = as_user(eng.u1)

    assert client.get(reverse("engagement:checkin", args=[soon.pk])).status_code == 404
    assert client.post(reverse("engagement:check_in", args=[signup.pk])).status_code == 404
    assert (
        client.post(
            reverse("engagement:checkin_code", args=[soon.pk]), {"code": signup.code}
        ).status_code
        == 404
    )
    assert Signup.objects.get(pk=signup.pk).checked_in_at is None


def test_check_out_and_hours_approval_on_the_roster(eng, soon, as_user):
    signup = services.signup_create(
        activity=soon, resident=eng.world.R1, user=eng.u1, as_volunteer=True
    )
    staff = eng.world.secretary
    services.signup_check_in(signup=signup, actor=staff, now=soon.starts_at)
    services.hours_report(signup=signup, user=eng.u1, hours=Decimal(1), now=soon.starts_at)
    client = as_user(staff)

    roster = _html(client.get(reverse("engagement:checkin", args=[soon.pk])))
    approved = client.post(
        reverse("engagement:hours_review", args=[signup.pk]),
        {"approve": "1"},
        HTTP_HX_REQUEST="true",
    )
    partner = as_user(eng.world.partner).post(
        reverse("engagement:hours_review", args=[signup.pk]), {"approve": "0"}
    )

    assert "Approve hours" in roster
    assert approved.status_code == 200 and "Approved" in _html(approved)
    assert partner.status_code == 404  # partners check people in but may not approve
    assert Signup.objects.get(pk=signup.pk).hours_status == "approved"


def test_venues_page_adds_a_venue_and_refuses_a_duplicate(eng, as_user):
    client = as_user(eng.world.secretary)
    data = {
        "name": "赋能港湾",
        "community": eng.world.C1.pk,
        "capacity": "60",
        "opening_hours": "周一至周六 9:00–21:00",
        "address": "",
    }

    client.post(reverse("engagement:venues"), data)
    duplicate = client.post(reverse("engagement:venues"), data)

    assert Venue.objects.filter(name="赋能港湾").count() == 1
    assert duplicate.status_code == 400
    assert "Venue with this Community and Name already exists." in _html(duplicate)


# ---------------------------------------------------------------------------------------------
# Deliberation


def test_deliberation_through_the_pages_from_proposal_to_actions(eng, as_user):
    w = eng.world
    resident, neighbour, staff = as_user(eng.u1), as_user(eng.u2), as_user(w.secretary)

    resident.post(
        reverse("engagement:topic_new"),
        {"title": "增设充电棚", "description": "夜里飞线充电很危险", "community": w.C1.pk},
    )
    topic = Topic.objects.get()
    neighbour.post(reverse("engagement:topic_support", args=[topic.pk]))
    again = neighbour.post(reverse("engagement:topic_support", args=[topic.pk]), follow=True)
    # Proposed three days ago; the minutes are entered after the meeting an hour ago.
    Topic.objects.filter(pk=topic.pk).update(created_at=timezone.now() - timedelta(days=3))
    meeting_at = timezone.localtime() - timedelta(hours=1)
    staff.post(
        reverse("engagement:topic_schedule", args=[topic.pk]),
        {
            "starts_at": meeting_at.strftime("%Y-%m-%dT%H:%M"),
            "venue": eng.venue.pk,
            "agenda": "选址和收费",
        },
    )
    bad_record = staff.post(
        reverse("engagement:topic_record", args=[topic.pk]),
        {"attendee_mobiles": "1390532000x", "minutes": "纪要"},
    )
    staff.post(
        reverse("engagement:topic_record", args=[topic.pk]),
        {
            "attendee_mobiles": f"{w.R1.mobile}\n{w.R2.mobile}",
            "other_attendees": "方圆物业 王海涛",
            "minutes": "同意2票",
        },
    )
    staff.post(
        reverse("engagement:topic_decide", args=[topic.pk]), {"decision": "adopted", "note": ""}
    )
    staff.post(
        reverse("engagement:action_add", args=[topic.pk]),
        {"title": "选址并公示", "owner": "方圆物业", "deadline": "2030-01-31", "tracking_no": ""},
    )
    action = topic.actions.get()
    staff.post(
        reverse("engagement:action_update", args=[action.pk]),
        {"progress": "已公示", "done": "on", "tracking_no": ""},
    )
    page = _html(resident.get(reverse("engagement:topic", args=[topic.pk])))

    topic.refresh_from_db()
    assert "You already support this topic." in _html(again)
    assert bad_record.status_code == 400 and "Not mobile numbers: 1390532000x" in _html(bad_record)
    assert (topic.status, topic.decision, topic.support_count) == ("decided", "adopted", 2)
    assert Meeting.objects.get().attendees.count() == 2
    assert 'data-attendees="3"' in page and 'data-decision="adopted"' in page
    assert f'data-action="{action.pk}" data-done="1"' in page and "data-complete" in page
    assert "王海涛" not in page  # attendee names are for staff


def test_deliberation_staff_steps_by_a_resident_are_404(eng, as_user):
    topic = services.topic_propose(
        user=eng.u1, title="增设充电棚", description="…", community=eng.world.C1
    )

    response = as_user(eng.u1).post(
        reverse("engagement:topic_decide", args=[topic.pk]), {"decision": "adopted"}
    )

    assert response.status_code == 404
    assert Topic.objects.get(pk=topic.pk).status == "proposed"


def test_deliberation_of_another_community_is_404(eng, as_user):
    topic = services.topic_propose(
        user=eng.u1, title="增设充电棚", description="…", community=eng.world.C1
    )
    other = make_user("shuji2", role=Role.COMMUNITY_SECRETARY, org_unit=eng.world.C2)

    assert as_user(eng.u3).get(reverse("engagement:topic", args=[topic.pk])).status_code == 404
    assert as_user(other).get(reverse("engagement:topic", args=[topic.pk])).status_code == 404
    assert (
        as_user(eng.u3).post(reverse("engagement:topic_support", args=[topic.pk])).status_code
        == 404
    )


def test_decide_before_minutes_shows_the_message(eng, as_user):
    topic = services.topic_propose(
        user=eng.u1, title="增设充电棚", description="…", community=eng.world.C1
    )

    response = as_user(eng.world.secretary).post(
        reverse("engagement:topic_decide", args=[topic.pk]), {"decision": "adopted"}
    )

    assert response.status_code == 409
    assert "This topic is “Proposed”: that step is not possible now." in _html(response)


# ---------------------------------------------------------------------------------------------
# Door-knock visits


def test_visit_logged_and_turned_into_a_case_in_one_step(eng, catalogue, as_user):
    client = as_user(eng.world.grid_worker)
    client.post(
        reverse("engagement:visit_new"),
        {
            "building": eng.world.B1.pk,
            "unit": "1",
            "number": "101",
            "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "visitors": "赵志强、陈静",
            "heard": "楼上卫生间漏水",
        },
    )
    visit = Visit.objects.get()

    response = client.post(
        reverse("engagement:visit_to_case", args=[visit.pk]),
        {"item": Item.objects.get(code="RB15").pk, "description": "楼上卫生间漏水，厨房滴水"},
        follow=True,
    )
    inbox = _html(as_user(eng.world.manager).get(reverse("cases:inbox")))

    case = Case.objects.get()
    assert (visit.household, case.channel, case.household) == (
        eng.world.H1,
        "door_knock",
        eng.world.H1,
    )
    assert f'data-case="{case.tracking_no}"' in _html(response)
    assert f'data-case="{case.tracking_no}"' in inbox


def test_visit_for_an_unknown_household_shows_a_message(eng, as_user):
    response = as_user(eng.world.grid_worker).post(
        reverse("engagement:visit_new"),
        {
            "building": eng.world.B1.pk,
            "unit": "1",
            "number": "909",
            "visited_at": "not a date",
            "visitors": "赵志强",
            "heard": "…",
        },
    )

    html = _html(response)
    assert response.status_code == 400
    assert "There is no such household in this building." in html
    assert "Enter a valid date/time." in html
    assert Visit.objects.count() == 0


def test_visits_outside_the_scope_are_404(eng, as_user):
    visit = services.visit_log(
        actor=eng.world.grid_worker,
        household=eng.world.H1,
        visited_at=timezone.now(),
        visitors="赵志强",
        heard="…",
    )

    assert (
        as_user(eng.world.other_manager)
        .get(reverse("engagement:visit", args=[visit.pk]))
        .status_code
        == 404
    )
    assert as_user(eng.u1).get(reverse("engagement:visits")).status_code == 404


# ---------------------------------------------------------------------------------------------
# Figures


def test_figures_page_for_staff_and_404_for_residents(eng, as_user):
    page = as_user(eng.world.secretary).get(reverse("engagement:figures"), {"month": "2026-11"})
    bad = as_user(eng.world.secretary).get(reverse("engagement:figures"), {"month": "2026-13"})

    assert page.status_code == 200 and 'data-figure="activities_held">' in _html(page)
    assert bad.status_code == 200 and "Choose a month." in _html(bad)
    assert as_user(eng.u1).get(reverse("engagement:figures")).status_code == 404


def test_figures_page_names_the_first_and_last_day_of_the_month(eng, as_user):
    page = as_user(eng.world.secretary).get(reverse("engagement:figures"), {"month": "2026-11"})

    assert "2026-11-01 – 2026-11-30" in _html(page)


def test_every_page_renders_for_its_audience(eng, soon, as_user):
    topic = services.topic_propose(
        user=eng.u1, title="增设充电棚", description="…", community=eng.world.C1
    )
    resident, staff = as_user(eng.u1), as_user(eng.world.secretary)
    pages = [
        (Client(), reverse("engagement:calendar")),
        (Client(), reverse("engagement:activity", args=[soon.pk])),
        (resident, reverse("engagement:volunteers")),
        (resident, reverse("engagement:activity", args=[soon.pk])),
        (resident, reverse("engagement:mine")),
        (resident, reverse("engagement:profile")),
        (resident, reverse("engagement:topics")),
        (resident, reverse("engagement:topic_new")),
        (resident, reverse("engagement:topic", args=[topic.pk])),
        (staff, reverse("engagement:staff_activities")),
        (staff, reverse("engagement:staff_activities") + "?when=past"),
        (staff, reverse("engagement:activity_new")),
        (staff, reverse("engagement:checkin", args=[soon.pk])),
        (staff, reverse("engagement:venues")),
        (staff, reverse("engagement:topics")),
        (staff, reverse("engagement:topic", args=[topic.pk])),
        (staff, reverse("engagement:topic_new")),
        (staff, reverse("engagement:visits")),
        (staff, reverse("engagement:visit_new")),
        (staff, reverse("engagement:figures")),
    ]

    statuses = [(url, client.get(url).status_code) for client, url in pages]

    assert statuses == [(url, 200) for _client, url in pages]


GARBAGE = [
    {},
    {
        "resident": "x",
        "as_volunteer": "maybe",
        "code": "<script>",
        "hours": "1e9",
        "approve": "?",
        "starts_at": "31/02/2026",
        "ends_at": "",
        "venue": "-1",
        "agenda": "x" * 5000,
        "attendee_mobiles": "1" * 6000,
        "minutes": "",
        "decision": "maybe",
        "deadline": "yesterday",
        "tracking_no": "NOPE",
        "done": "on",
        "item": "999999",
        "building": "abc",
        "unit": "",
        "number": "",
        "visited_at": "2099-01-01T00:00",
        "title": "",
        "community": "0",
        "capacity": "NaN",
        "domain": "purple",
        "repeat_days": "999",
        "month": "2026-00",
        "page": "-1",
    },
]


def test_garbage_input_never_fails(eng, soon, catalogue, as_user):
    topic = services.topic_propose(
        user=eng.u1, title="增设充电棚", description="…", community=eng.world.C1
    )
    signup = services.signup_create(activity=soon, resident=eng.world.R1, user=eng.u1)
    visit = services.visit_log(
        actor=eng.world.grid_worker,
        household=eng.world.H1,
        visited_at=timezone.now(),
        visitors="赵志强",
        heard="…",
    )
    urls = [
        reverse("engagement:signup", args=[soon.pk]),
        reverse("engagement:signup_cancel", args=[signup.pk]),
        reverse("engagement:hours_report", args=[signup.pk]),
        reverse("engagement:profile"),
        reverse("engagement:activity_new"),
        reverse("engagement:checkin_code", args=[soon.pk]),
        reverse("engagement:check_in", args=[signup.pk]),
        reverse("engagement:check_out", args=[signup.pk]),
        reverse("engagement:hours_review", args=[signup.pk]),
        reverse("engagement:venues"),
        reverse("engagement:topic_new"),
        reverse("engagement:topic_support", args=[topic.pk]),
        reverse("engagement:topic_schedule", args=[topic.pk]),
        reverse("engagement:topic_record", args=[topic.pk]),
        reverse("engagement:topic_decide", args=[topic.pk]),
        reverse("engagement:action_add", args=[topic.pk]),
        reverse("engagement:visit_new"),
        reverse("engagement:visit_to_case", args=[visit.pk]),
    ]
    clients = [Client(), as_user(eng.u1), as_user(eng.u3), as_user(eng.world.secretary)]

    failures = [
        (url, response.status_code)
        for client in clients
        for data in GARBAGE
        for url in urls
        for response in [client.post(url, data), client.get(url, data)]
        if response.status_code >= 500
    ]

    assert failures == []


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", ["calendar", "checkin", "staff_activities", "topics", "visits"])
def test_list_pages_run_the_same_queries_for_1_and_3_rows(eng, soon, as_user, page):
    staff = as_user(eng.world.secretary)
    topic_user = as_user(eng.u1)
    url = {
        "calendar": reverse("engagement:calendar"),
        "checkin": reverse("engagement:checkin", args=[soon.pk]),
        "staff_activities": reverse("engagement:staff_activities"),
        "topics": reverse("engagement:topics"),
        "visits": reverse("engagement:visits"),
    }[page]
    client = topic_user if page == "topics" else staff
    people = [
        (eng.world.R1, eng.u1),
        (eng.world.R2, eng.u2),
        (eng.neighbour, eng.u_neighbour),
    ]

    def add(n):
        start = soon.starts_at + timedelta(days=n)
        make_activity(eng.venue, title=f"活动{n}", starts_at=start)
        resident, user = people[n]
        Signup.objects.create(
            activity=soon,
            resident=resident,
            signed_up_by=user,
            status="confirmed",
            code=f"CODE{n}A",
            created_at=timezone.now(),
        )
        services.topic_propose(user=user, title=f"议题{n}", description="…", community=eng.world.C1)
        services.visit_log(
            actor=eng.world.secretary,
            household=eng.world.H1,
            visited_at=timezone.now(),
            visitors="刘红梅",
            heard="…",
        )

    add(0)
    one = _queries(client, url)
    add(1)
    add(2)
    three = _queries(client, url)

    assert one == three
