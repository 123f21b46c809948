import threading
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.utils import timezone

from cases.models import Case, Channel, Notification, OutboxMessage
from cases.selectors import InboxFilters, inbox
from cases.services import case_accept, case_resolve, case_submit
from catalog.models import Domain, Item
from core.errors import ApplicationError, Forbidden, NotFound
from core.testing import T0
from engagement import services
from engagement.models import (
    Activity,
    Signup,
    Topic,
    TopicStatus,
    Visit,
    VolunteerProfile,
)
from engagement.selectors import party_roster, topic_trace
from engagement.tests.factories import make_activity, resident_user
from residents.models import Tag

pytestmark = pytest.mark.django_db

NOW = T0


def _signup(eng, resident, user, *, activity=None, now=NOW, **kwargs):
    return services.signup_create(
        activity=activity or eng.activity, resident=resident, user=user, now=now, **kwargs
    )


def _statuses(activity):
    return list(activity.signups.order_by("id").values_list("resident__name", "status"))


# ---------------------------------------------------------------------------------------------
# Capacity, waitlist, promotion


def test_signup_confirms_until_full_then_waitlists(eng):
    w = eng.world
    first = _signup(eng, w.R1, eng.u1)
    second = _signup(eng, w.R2, eng.u2)
    third = _signup(eng, eng.child, eng.u1)

    assert (first.status, second.status, third.status) == ("confirmed", "confirmed", "waitlisted")
    eng.activity.refresh_from_db()
    assert (eng.activity.taken, eng.activity.places_left) == (2, 0)
    assert len(first.code) == 6 and first.code != second.code
    assert set(first.code) <= set(services.CODE_ALPHABET)


def test_signup_race_for_the_last_place_has_one_winner(eng):
    """Two people load the page when one place is left; both submit with stale objects."""
    w = eng.world
    _signup(eng, eng.neighbour, eng.u_neighbour)  # one of two places taken
    stale_a = Activity.objects.get(pk=eng.activity.pk)
    stale_b = Activity.objects.get(pk=eng.activity.pk)
    assert stale_a.taken == stale_b.taken == 1

    a = _signup(eng, w.R1, eng.u1, activity=stale_a)
    b = _signup(eng, w.R2, eng.u2, activity=stale_b)

    assert (a.status, b.status) == ("confirmed", "waitlisted")
    assert Activity.objects.get(pk=eng.activity.pk).taken == 2
    assert Signup.objects.filter(activity=eng.activity, status="confirmed").count() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_signup_race_threads_on_postgresql_one_winner(world):
    """Many threads, one place: exactly one confirmed (PostgreSQL runs them truly at once)."""
    from engagement.tests.factories import make_household_member, make_venue

    venue = make_venue(world.C1)
    activity = make_activity(venue, capacity=1, starts_at=T0 + timedelta(days=1))
    people = [
        make_household_member(world.H1, name=f"居民{n}", mobile=f"1390532990{n}") for n in range(6)
    ]
    users = [resident_user(p) for p in people]
    barrier = threading.Barrier(len(people))
    results, errors = [], []

    def run(resident, user):
        try:
            stale = Activity.objects.get(pk=activity.pk)
            barrier.wait()
            results.append(
                services.signup_create(activity=stale, resident=resident, user=user, now=T0).status
            )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in zip(people, users, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert sorted(results) == ["confirmed"] + ["waitlisted"] * 5
    assert Activity.objects.get(pk=activity.pk).taken == 1


def test_signup_cancel_promotes_first_on_waitlist_and_notifies(eng):
    w = eng.world
    first = _signup(eng, w.R1, eng.u1)
    _signup(eng, w.R2, eng.u2)
    _signup(eng, eng.neighbour, eng.u_neighbour, now=NOW + timedelta(minutes=1))
    _signup(eng, eng.child, eng.u1, now=NOW + timedelta(minutes=2))

    promoted = services.signup_cancel(signup=first, user=eng.u1, now=NOW + timedelta(hours=1))

    assert promoted.resident == eng.neighbour
    assert _statuses(eng.activity) == [
        ("居民1", "cancelled"),
        ("居民2", "confirmed"),
        ("邻居", "confirmed"),
        ("居民1的孩子", "waitlisted"),
    ]
    assert Activity.objects.get(pk=eng.activity.pk).taken == 2
    notice = Notification.objects.filter(user=eng.u_neighbour).latest("id")
    assert notice.user == eng.u_neighbour
    assert promoted.code in notice.text and "亲子武术" in notice.text
    assert notice.link == f"/engagement/activities/{eng.activity.pk}/"
    sms = OutboxMessage.objects.get(notification=notice)  # delivered by the worker, like cases
    assert (sms.channel, sms.recipient) == ("sms", eng.neighbour.mobile)


def test_signup_cancel_of_waitlisted_frees_no_place(eng):
    w = eng.world
    _signup(eng, w.R1, eng.u1)
    _signup(eng, w.R2, eng.u2)
    waiting = _signup(eng, eng.child, eng.u1)

    told = Notification.objects.count()
    assert services.signup_cancel(signup=waiting, user=eng.u1, now=NOW) is None

    assert Activity.objects.get(pk=eng.activity.pk).taken == 2
    assert Notification.objects.count() == told  # nobody moved up, nobody is told


def test_signup_cancel_twice_is_refused(eng):
    signup = _signup(eng, eng.world.R1, eng.u1)
    services.signup_cancel(signup=signup, user=eng.u1, now=NOW)

    with pytest.raises(ApplicationError) as error:
        services.signup_cancel(signup=signup, user=eng.u1, now=NOW)

    assert error.value.code == "already_cancelled"
    assert Activity.objects.get(pk=eng.activity.pk).taken == 0


def test_signup_cancel_by_someone_else_is_not_found(eng):
    signup = _signup(eng, eng.world.R1, eng.u1)

    with pytest.raises(NotFound):
        services.signup_cancel(signup=signup, user=eng.u2, now=NOW)


def test_signup_cancel_after_start_is_refused(eng):
    signup = _signup(eng, eng.world.R1, eng.u1)

    with pytest.raises(ApplicationError):
        services.signup_cancel(signup=signup, user=eng.u1, now=eng.activity.starts_at)

    assert Signup.objects.get(pk=signup.pk).status == "confirmed"


def test_signup_again_after_cancelling_gets_a_new_place(eng):
    signup = _signup(eng, eng.world.R1, eng.u1)
    services.signup_cancel(signup=signup, user=eng.u1, now=NOW)

    again = _signup(eng, eng.world.R1, eng.u1)

    assert again.status == "confirmed"
    assert Activity.objects.get(pk=eng.activity.pk).taken == 1


def test_signup_household_member_allowed_stranger_forbidden(eng):
    child = _signup(eng, eng.child, eng.u1)

    with pytest.raises(Forbidden):
        _signup(eng, eng.world.R2, eng.u1)

    assert (child.resident, child.signed_up_by) == (eng.child, eng.u1)
    assert eng.activity.signups.count() == 1


def test_signup_twice_for_the_same_person_is_refused(eng):
    _signup(eng, eng.world.R1, eng.u1)

    with pytest.raises(ApplicationError) as error:
        _signup(eng, eng.world.R1, eng.u1)

    assert error.value.code == "duplicate"
    assert Activity.objects.get(pk=eng.activity.pk).taken == 1


def test_signup_after_start_is_refused(eng):
    with pytest.raises(ApplicationError) as error:
        _signup(eng, eng.world.R1, eng.u1, now=eng.activity.starts_at)

    assert error.value.code == "closed"


def test_signup_by_staff_without_resident_record_is_forbidden(eng):
    with pytest.raises(Forbidden):
        _signup(eng, eng.world.R1, eng.world.community)


def test_volunteer_places_are_counted_apart_from_participants(eng):
    activity = make_activity(eng.venue, capacity=1, volunteer_capacity=1, title="健康义诊")
    participant = _signup(eng, eng.child, eng.u1, activity=activity)
    volunteer = _signup(eng, eng.world.R1, eng.u1, activity=activity, as_volunteer=True)
    extra = _signup(eng, eng.world.R2, eng.u2, activity=activity, as_volunteer=True)

    assert (participant.status, volunteer.status, extra.status) == (
        "confirmed",
        "confirmed",
        "waitlisted",
    )
    activity.refresh_from_db()
    assert (activity.taken, activity.volunteers_taken) == (1, 1)


def test_volunteer_signup_for_someone_else_or_without_places_is_refused(eng):
    activity = make_activity(eng.venue, volunteer_capacity=1, title="健康义诊")

    with pytest.raises(ApplicationError):
        _signup(eng, eng.child, eng.u1, activity=activity, as_volunteer=True)
    with pytest.raises(ApplicationError):
        _signup(eng, eng.world.R1, eng.u1, as_volunteer=True)  # eng.activity: no volunteers

    assert Signup.objects.count() == 0


# ---------------------------------------------------------------------------------------------
# Check-in, check-out, hours


START = T0 + timedelta(days=1)


def test_check_in_once_then_already_checked_in(eng):
    signup = _signup(eng, eng.world.R1, eng.u1)

    done = services.signup_check_in(signup=signup, actor=eng.world.community, now=START)
    with pytest.raises(ApplicationError) as error:
        services.signup_check_in(signup=signup, actor=eng.world.partner, now=START)

    assert (done.checked_in_at, done.checked_in_by) == (START, eng.world.community)
    assert error.value.code == "already_checked_in"
    assert error.value.message == "居民1 already checked in at 09:00."


def test_check_in_by_code_normalises_the_code(eng):
    signup = _signup(eng, eng.world.R1, eng.u1)
    typed = f" {signup.code[:3].lower()} {signup.code[3:].lower()} "

    done = services.signup_check_in_by_code(
        activity=eng.activity, code=typed, actor=eng.world.partner, now=START
    )

    assert done.pk == signup.pk and done.checked_in_at == START


def test_check_in_by_unknown_code_is_refused(eng):
    _signup(eng, eng.world.R1, eng.u1)

    with pytest.raises(ApplicationError) as error:
        services.signup_check_in_by_code(
            activity=eng.activity, code="ZZZZZZ", actor=eng.world.community, now=START
        )

    assert error.value.code == "unknown"
    assert Signup.objects.filter(checked_in_at__isnull=False).count() == 0


def test_check_in_of_waitlisted_is_refused(eng):
    _signup(eng, eng.world.R1, eng.u1)
    _signup(eng, eng.world.R2, eng.u2)
    waiting = _signup(eng, eng.child, eng.u1)

    with pytest.raises(ApplicationError) as error:
        services.signup_check_in(signup=waiting, actor=eng.world.community, now=START)

    assert error.value.code == "not_confirmed"


def test_check_in_outside_its_window_is_refused(eng):
    signup = _signup(eng, eng.world.R1, eng.u1)

    with pytest.raises(ApplicationError) as early:
        services.signup_check_in(
            signup=signup, actor=eng.world.community, now=START - timedelta(hours=2, minutes=1)
        )
    with pytest.raises(ApplicationError) as late:
        services.signup_check_in(
            signup=signup, actor=eng.world.community, now=START + timedelta(days=2)
        )

    assert (early.value.code, late.value.code) == ("too_early", "too_late")


@pytest.mark.parametrize("who", ["other_manager", "manager", "grid_worker", "nobody"])
def test_check_in_outside_the_staff_area_is_not_found(eng, who):
    signup = _signup(eng, eng.world.R1, eng.u1)

    with pytest.raises(NotFound):
        services.signup_check_in(signup=signup, actor=getattr(eng.world, who), now=START)


def test_check_in_by_staff_of_another_community_is_not_found(eng):
    from core.testing import make_user
    from orgs.roles import Role

    other = make_user("shequ2", role=Role.COMMUNITY_STAFF, org_unit=eng.world.C2)
    signup = _signup(eng, eng.world.R1, eng.u1)

    with pytest.raises(NotFound):
        services.signup_check_in(signup=signup, actor=other, now=START)


def test_volunteer_hours_are_measured_plus_approved_reported(eng):
    activity = make_activity(eng.venue, volunteer_capacity=2, title="健康义诊", minutes=120)
    signup = _signup(eng, eng.world.R1, eng.u1, activity=activity, as_volunteer=True)
    staff = eng.world.community
    services.signup_check_in(signup=signup, actor=staff, now=START - timedelta(minutes=30))
    services.signup_check_out(signup=signup, actor=staff, now=START + timedelta(minutes=120))

    services.hours_report(
        signup=signup,
        user=eng.u1,
        hours=Decimal("1.5"),
        note="备课",
        now=START + timedelta(hours=3),
    )
    pending = Signup.objects.get(pk=signup.pk)
    approved = services.hours_review(signup=signup, actor=staff, approve=True, now=START)

    assert (pending.measured_minutes, pending.approved_minutes) == (150, 150)
    assert (approved.hours_status, approved.approved_minutes) == ("approved", 240)
    notice = (
        Notification.objects.filter(user=eng.u1).latest("id").text
    )  # in the platform's language
    assert "1.5" in notice and "健康义诊" in notice


def test_volunteer_check_out_caps_a_forgotten_check_out(eng):
    activity = make_activity(eng.venue, volunteer_capacity=1, title="健康义诊", minutes=60)
    signup = _signup(eng, eng.world.R1, eng.u1, activity=activity, as_volunteer=True)
    services.signup_check_in(signup=signup, actor=eng.world.community, now=START)

    done = services.signup_check_out(
        signup=signup, actor=eng.world.community, now=START + timedelta(hours=20)
    )

    assert done.measured_minutes == 180  # 60 minutes of activity + 2 hours of grace


def test_hours_rejected_then_reported_again(eng):
    activity = make_activity(eng.venue, volunteer_capacity=1, title="健康义诊")
    signup = _signup(eng, eng.world.R1, eng.u1, activity=activity, as_volunteer=True)
    services.hours_report(signup=signup, user=eng.u1, hours=Decimal(3), now=START)
    services.hours_review(signup=signup, actor=eng.world.secretary, approve=False, now=START)

    with pytest.raises(ApplicationError):
        services.hours_review(signup=signup, actor=eng.world.secretary, approve=True, now=START)
    again = services.hours_report(signup=signup, user=eng.u1, hours=Decimal(2), now=START)

    assert (again.hours_status, again.reported_minutes, again.approved_minutes) == (
        "pending",
        120,
        0,
    )


@pytest.mark.parametrize("hours", [Decimal(0), Decimal("0.3"), Decimal(25)])
def test_hours_report_bad_amount_is_refused(eng, hours):
    activity = make_activity(eng.venue, volunteer_capacity=1, title="健康义诊")
    signup = _signup(eng, eng.world.R1, eng.u1, activity=activity, as_volunteer=True)

    with pytest.raises(ApplicationError):
        services.hours_report(signup=signup, user=eng.u1, hours=hours, now=START)

    assert Signup.objects.get(pk=signup.pk).hours_status == ""


def test_hours_review_needs_the_back_office_permission(eng):
    activity = make_activity(eng.venue, volunteer_capacity=1, title="健康义诊")
    signup = _signup(eng, eng.world.R1, eng.u1, activity=activity, as_volunteer=True)
    services.hours_report(signup=signup, user=eng.u1, hours=Decimal(1), now=START)

    with pytest.raises(NotFound):  # partners check people in, but do not approve hours
        services.hours_review(signup=signup, actor=eng.world.partner, approve=True, now=START)

    assert Signup.objects.get(pk=signup.pk).hours_status == "pending"


# ---------------------------------------------------------------------------------------------
# Activities and venues


def test_activity_create_repeats_on_weekdays(eng):
    friday = T0 + timedelta(days=2, hours=7, minutes=30)  # 2026-11-27 16:30, a Friday
    created = services.activity_create(
        actor=eng.world.community,
        title="“在城长”四点半课堂",
        organiser="社区党委",
        organiser_unit=eng.world.C1,
        domain=Domain.objects.get(code="red"),
        venue=eng.venue,
        starts_at=friday,
        ends_at=friday + timedelta(minutes=90),
        capacity=20,
        repeat_days=2,
        weekdays_only=True,
        now=NOW,
    )

    days = [a.starts_at.date().isoformat() for a in created]
    assert days == ["2026-11-27", "2026-11-30", "2026-12-01"]
    assert {a.starts_at.strftime("%H:%M") for a in created} == {"16:30"}


def test_activity_create_on_working_days_skips_national_day_and_keeps_the_adjusted_saturday(eng):
    start = datetime(2026, 9, 30, 8, 30, tzinfo=UTC)  # Wednesday 16:30 in Beijing
    created = services.activity_create(
        actor=eng.world.community,
        title="“在城长”四点半课堂",
        organiser="社区党委",
        organiser_unit=eng.world.C1,
        domain=Domain.objects.get(code="red"),
        venue=eng.venue,
        starts_at=start,
        ends_at=start + timedelta(minutes=90),
        capacity=20,
        repeat_days=3,
        weekdays_only=True,
        now=datetime(2026, 9, 1, tzinfo=UTC),
    )

    days = [timezone.localtime(a.starts_at).strftime("%a %m-%d %H:%M") for a in created]
    # 1-7 October are 国庆 (or its weekend); Saturday 10 October is worked (调休).
    assert days == ["Wed 09-30 16:30", "Thu 10-08 16:30", "Fri 10-09 16:30", "Sat 10-10 16:30"]


def test_activity_create_more_places_than_the_venue_is_refused(eng):
    with pytest.raises(ApplicationError) as error:
        services.activity_create(
            actor=eng.world.community,
            title="文艺送演",
            organiser="社区党委",
            organiser_unit=eng.world.C1,
            domain=Domain.objects.get(code="orange"),
            venue=eng.venue,
            starts_at=START,
            ends_at=START + timedelta(hours=1),
            capacity=51,
            now=NOW,
        )

    assert error.value.message == "The venue holds at most 50 people."
    assert Activity.objects.count() == 1


@pytest.mark.parametrize("who", ["grid_worker", "partner", "manager"])
def test_activity_create_without_back_office_role_is_not_found(eng, who):
    with pytest.raises(NotFound):
        services.activity_create(
            actor=getattr(eng.world, who),
            title="文艺送演",
            organiser="社区党委",
            organiser_unit=eng.world.C1,
            domain=Domain.objects.get(code="orange"),
            venue=eng.venue,
            starts_at=START,
            ends_at=START + timedelta(hours=1),
            capacity=10,
            now=NOW,
        )


def test_activity_create_in_another_community_is_not_found(eng):
    from core.testing import make_user
    from orgs.roles import Role

    other = make_user("shequ2", role=Role.COMMUNITY_STAFF, org_unit=eng.world.C2)
    with pytest.raises(NotFound):
        services.activity_create(
            actor=other,
            title="文艺送演",
            organiser="社区党委",
            organiser_unit=eng.world.C2,
            domain=Domain.objects.get(code="orange"),
            venue=eng.venue,
            starts_at=START,
            ends_at=START + timedelta(hours=1),
            capacity=10,
            now=NOW,
        )


def test_venue_create_duplicate_name_is_refused(eng):
    with pytest.raises(ApplicationError) as error:
        services.venue_create(
            actor=eng.world.secretary, name="先锋驿站", community=eng.world.C1, capacity=10
        )

    assert error.value.message == "Venue with this Community and Name already exists."


# ---------------------------------------------------------------------------------------------
# Deliberation


def _topic(eng, user=None, now=NOW):
    return services.topic_propose(
        user=user or eng.u1,
        title="3号楼前增设电动自行车充电棚",
        description="夜里飞线充电很危险，建议建集中充电棚。",
        community=eng.world.C1,
        now=now,
    )


def _case(eng, now=NOW):
    return case_submit(
        item=Item.objects.get(code="RB09"),
        description="楼道里飞线充电",
        channel=Channel.PHONE,
        created_by=eng.world.community,
        estate=eng.world.E1,
        building=eng.world.B1,
        now=now,
    )


def test_deliberation_lifecycle_from_proposal_to_completed_actions(eng, catalogue):
    w = eng.world
    secretary = w.secretary
    topic = _topic(eng)
    services.topic_support(topic=topic, user=eng.u2, now=NOW + timedelta(hours=1))
    services.topic_support(topic=topic, user=eng.u_neighbour, now=NOW + timedelta(hours=2))
    meeting_at = NOW + timedelta(days=3)
    services.meeting_schedule(
        topic=topic,
        actor=secretary,
        starts_at=meeting_at,
        venue=eng.venue,
        agenda="选址、收费、管理",
        now=NOW + timedelta(days=1),
    )
    services.meeting_record(
        topic=topic,
        actor=secretary,
        attendee_mobiles=[w.R1.mobile, w.R2.mobile, eng.neighbour.mobile],
        other_attendees="方圆物业 王海涛\n\n社区党委 刘红梅",
        minutes="同意9票，反对0票。",
        now=meeting_at + timedelta(hours=2),
    )
    services.topic_decide(
        topic=topic, actor=secretary, decision="adopted", note="同意建设", now=meeting_at
    )
    case = _case(eng)
    site = services.action_add(
        topic=topic,
        actor=secretary,
        title="选址并公示",
        owner="方圆物业",
        deadline=date(2026, 12, 10),
        tracking_no=case.tracking_no.lower(),
        now=meeting_at,
    )
    build = services.action_add(
        topic=topic,
        actor=secretary,
        title="安装充电棚",
        owner="方圆物业、社区居委会",
        deadline=date(2026, 12, 31),
        now=meeting_at,
    )
    case_accept(case=case, actor=w.manager, now=meeting_at)
    case_resolve(case=case, actor=w.manager, note="已选定位置", now=meeting_at)
    services.action_update(
        action=site, actor=secretary, progress="已公示7天", done=True, now=meeting_at
    )
    halfway = topic_trace(user=eng.u1, topic=Topic.objects.get(pk=topic.pk))
    services.action_update(
        action=build, actor=secretary, progress="已安装", done=True, now=meeting_at
    )

    topic = Topic.objects.get(pk=topic.pk)
    trace = topic_trace(user=eng.u1, topic=topic)
    assert (topic.status, topic.decision, topic.support_count) == ("decided", "adopted", 3)
    assert trace.attendee_count == 5
    assert [a.name for a in trace.attendees] == ["居民1", "居民2", "邻居"]
    assert [(a.title, a.done) for a in trace.actions] == [
        ("选址并公示", True),
        ("安装充电棚", True),
    ]
    assert trace.actions[0].case == case
    assert (halfway.complete, trace.complete, trace.supported) == (False, True, True)


def test_topic_proposed_by_resident_counts_their_support(eng):
    topic = _topic(eng)

    with pytest.raises(ApplicationError) as error:
        services.topic_support(topic=topic, user=eng.u1, now=NOW)

    assert (topic.support_count, topic.proposed_by_resident) == (1, True)
    assert error.value.code == "duplicate"
    assert Topic.objects.get(pk=topic.pk).support_count == 1


def test_topic_by_staff_has_no_supporters_yet(eng):
    topic = _topic(eng, user=eng.world.community)

    assert (topic.support_count, topic.proposed_by_resident) == (0, False)


def test_topic_support_by_resident_of_another_community_is_not_found(eng):
    topic = _topic(eng)

    with pytest.raises(NotFound):
        services.topic_support(topic=topic, user=eng.u3, now=NOW)


def test_topic_propose_for_another_community_is_not_found(eng):
    with pytest.raises(NotFound):
        services.topic_propose(
            user=eng.u3, title="x", description="y", community=eng.world.C1, now=NOW
        )
    assert Topic.objects.count() == 0


def test_topic_decide_before_minutes_is_refused(eng):
    topic = _topic(eng)
    services.meeting_schedule(
        topic=topic, actor=eng.world.secretary, starts_at=NOW, venue=eng.venue, agenda="议程"
    )

    with pytest.raises(ApplicationError):
        services.topic_decide(topic=topic, actor=eng.world.secretary, decision="adopted")

    assert Topic.objects.get(pk=topic.pk).status == TopicStatus.SCHEDULED


def test_topic_decide_without_a_meeting_is_a_state_error(eng):
    topic = _topic(eng)

    with pytest.raises(ApplicationError):
        services.topic_decide(topic=topic, actor=eng.world.secretary, decision="adopted")

    assert Topic.objects.get(pk=topic.pk).status == TopicStatus.PROPOSED


def test_meeting_at_a_venue_of_another_community_is_refused(eng):
    topic = _topic(eng)

    with pytest.raises(ApplicationError):
        services.meeting_schedule(
            topic=topic,
            actor=eng.world.secretary,
            starts_at=NOW,
            venue=eng.other_venue,
            agenda="议程",
        )


def test_meeting_record_with_a_non_resident_mobile_is_refused(eng):
    topic = _topic(eng)
    services.meeting_schedule(
        topic=topic, actor=eng.world.secretary, starts_at=NOW, venue=eng.venue, agenda="议程"
    )

    with pytest.raises(ApplicationError) as error:
        services.meeting_record(
            topic=topic,
            actor=eng.world.secretary,
            attendee_mobiles=[eng.world.R1.mobile, eng.world.R3.mobile, "13800000000"],
            minutes="纪要",
        )

    assert error.value.message == (
        "Not residents of this community: 13800000000, " + eng.world.R3.mobile
    )
    assert topic.meeting.attendees.count() == 0


def test_topic_steps_by_staff_of_another_community_are_not_found(eng):
    from core.testing import make_user
    from orgs.roles import Role

    other = make_user("shuji2", role=Role.COMMUNITY_SECRETARY, org_unit=eng.world.C2)
    topic = _topic(eng)

    with pytest.raises(NotFound):
        services.meeting_schedule(
            topic=topic, actor=other, starts_at=NOW, venue=eng.venue, agenda="议程"
        )


def _decided(eng, decision):
    topic = _topic(eng)
    secretary = eng.world.secretary
    services.meeting_schedule(
        topic=topic, actor=secretary, starts_at=NOW, venue=eng.venue, agenda="议程"
    )
    services.meeting_record(topic=topic, actor=secretary, attendee_mobiles=[], minutes="纪要")
    services.topic_decide(topic=topic, actor=secretary, decision=decision)
    return topic


def test_action_on_a_rejected_topic_is_refused_and_it_counts_as_complete(eng):
    topic = _decided(eng, "rejected")

    with pytest.raises(ApplicationError):
        services.action_add(
            topic=topic, actor=eng.world.secretary, title="x", owner="y", deadline=date.today()
        )

    assert topic_trace(user=eng.u1, topic=topic).complete is True


def test_action_with_a_case_outside_the_area_is_refused(eng, catalogue):
    from core.testing import make_user
    from orgs.roles import Role

    case = _case(eng)  # in C1
    topic = Topic.objects.create(
        title="武定苑停车",
        description="d",
        community=eng.world.C2,
        proposed_by=eng.u3,
        status="decided",
        decision="adopted",
        created_at=NOW,
    )
    other = make_user("shuji2", role=Role.COMMUNITY_SECRETARY, org_unit=eng.world.C2)

    with pytest.raises(ApplicationError) as error:
        services.action_add(
            topic=topic,
            actor=other,
            title="x",
            owner="y",
            deadline=date.today() + timedelta(days=7),
            tracking_no=case.tracking_no,
        )

    assert error.value.code == "unknown_case"


# ---------------------------------------------------------------------------------------------
# Door-knock visits


def _visit(eng, actor=None, household=None):
    return services.visit_log(
        actor=actor or eng.world.grid_worker,
        household=household or eng.world.H1,
        visited_at=NOW - timedelta(hours=1),
        visitors="赵志强、陈静",
        heard="楼上卫生间漏水，厨房天花板在滴水",
        now=NOW,
    )


def test_visit_to_case_files_a_door_knock_case_the_property_manager_sees(eng, catalogue):
    visit = _visit(eng)

    case = services.visit_to_case(
        visit=visit,
        actor=eng.world.grid_worker,
        item=Item.objects.get(code="RB15"),
        description="楼上卫生间漏水，厨房天花板在滴水",
        now=NOW,
    )

    case = Case.objects.get(pk=case.pk)
    assert (case.channel, case.created_by, case.resident) == (
        Channel.DOOR_KNOCK,
        eng.world.grid_worker,
        eng.world.R1,
    )
    assert (case.estate, case.building, case.household) == (
        eng.world.E1,
        eng.world.B1,
        eng.world.H1,
    )
    assert case.description == "楼上卫生间漏水，厨房天花板在滴水"
    assert Visit.objects.get(pk=visit.pk).case.tracking_no == case.tracking_no
    seen = inbox(user=eng.world.manager, filters=InboxFilters(tab="pending"), now=NOW)
    assert list(seen.values_list("tracking_no", flat=True)) == [case.tracking_no]


def test_visit_to_case_twice_is_refused(eng, catalogue):
    visit = _visit(eng)
    item = Item.objects.get(code="RB15")
    services.visit_to_case(
        visit=visit, actor=eng.world.grid_worker, item=item, description="漏水", now=NOW
    )

    with pytest.raises(ApplicationError) as error:
        services.visit_to_case(
            visit=visit, actor=eng.world.community, item=item, description="漏水", now=NOW
        )

    assert error.value.code == "already_a_case"
    assert Case.objects.count() == 1


def test_visit_to_case_with_a_stale_visit_is_a_conflict_and_files_nothing(eng, catalogue):
    visit = _visit(eng)
    stale = Visit.objects.get(pk=visit.pk)
    item = Item.objects.get(code="RB15")
    services.visit_to_case(
        visit=visit, actor=eng.world.grid_worker, item=item, description="漏水", now=NOW
    )

    with pytest.raises(ApplicationError) as error:
        services.visit_to_case(
            visit=stale, actor=eng.world.community, item=item, description="漏水", now=NOW
        )

    assert error.value.code == "conflict"
    assert Case.objects.count() == 1


def test_visit_to_case_by_someone_who_cannot_read_the_visit_is_not_found(eng, catalogue):
    visit = _visit(eng)
    item = Item.objects.get(code="RB15")

    # Oversight reads the households but handles no cases, so door-knock visits are not theirs.
    for outsider in (eng.world.subdistrict, eng.world.other_manager, eng.u1):
        with pytest.raises(NotFound):
            services.visit_to_case(
                visit=visit, actor=outsider, item=item, description="漏水", now=NOW
            )

    assert Case.objects.count() == 0


def test_visit_log_outside_the_scope_is_not_found(eng):
    with pytest.raises(NotFound):
        _visit(eng, household=eng.world.H3)
    with pytest.raises(NotFound):
        _visit(eng, actor=eng.world.other_manager)

    assert Visit.objects.count() == 0


def test_a_visit_log_sent_twice_with_its_key_is_one_visit_and_another_key_is_another(eng):
    def send(key, heard="楼上卫生间漏水"):
        return services.visit_log(
            actor=eng.world.grid_worker,
            household=eng.world.H1,
            visited_at=NOW - timedelta(hours=1),
            visitors="赵志强",
            heard=heard,
            idempotency_key=key,
            now=NOW,
        )

    first = send("k1-abc")
    assert send("k1-abc") == first  # the phone sent it again
    assert send("k1-def", heard="门口灯不亮") != first
    assert Visit.objects.count() == 2


def test_visit_log_in_the_future_is_refused(eng):
    with pytest.raises(ApplicationError):
        services.visit_log(
            actor=eng.world.grid_worker,
            household=eng.world.H1,
            visited_at=NOW + timedelta(hours=1),
            visitors="赵志强",
            heard="…",
            now=NOW,
        )


# ---------------------------------------------------------------------------------------------
# Party identity


def test_party_identity_needs_the_party_member_tag(eng):
    with pytest.raises(ApplicationError):
        services.volunteer_profile_save(user=eng.u1, skills="修理", show_party_identity=True)
    eng.world.R1.tags.add(Tag.objects.get(code="party_member"))

    profile = services.volunteer_profile_save(
        user=eng.u1, skills="修理", show_party_identity=True, now=NOW
    )

    assert (profile.resident, profile.show_party_identity) == (eng.world.R1, True)


def test_party_roster_lists_opted_in_party_members_with_approved_hours(eng):
    party = Tag.objects.get(code="party_member")
    eng.world.R1.tags.add(party)
    eng.world.R2.tags.add(party)
    services.volunteer_profile_save(user=eng.u1, skills="修理", show_party_identity=True)
    services.volunteer_profile_save(user=eng.u2, skills="读书", show_party_identity=False)
    VolunteerProfile.objects.create(
        resident=eng.neighbour, show_party_identity=True, updated_at=NOW
    )  # not a party member: never listed
    activity = make_activity(eng.venue, volunteer_capacity=1, title="健康义诊")
    signup = _signup(eng, eng.world.R1, eng.u1, activity=activity, as_volunteer=True)
    services.signup_check_in(signup=signup, actor=eng.world.community, now=START)
    services.signup_check_out(
        signup=signup, actor=eng.world.community, now=START + timedelta(hours=1)
    )
    services.hours_report(signup=signup, user=eng.u1, hours=Decimal("0.5"), now=START)

    roster = [(p.resident.name, p.minutes) for p in party_roster()]

    assert roster == [("居民1", 60)]  # reported hours count once approved


def test_what_was_heard_at_the_door_stays_with_the_community_side(eng, catalogue):
    from cases.selectors import timeline

    visit = _visit(eng)
    case = services.visit_to_case(
        visit=visit,
        actor=eng.world.grid_worker,
        item=Item.objects.get(code="RB15"),
        description="楼上卫生间漏水，需上门维修",
        now=NOW,
    )

    seen = {
        who: [e.note for e in timeline(case=case, public_only=False, user=getattr(eng.world, who))]
        for who in ("manager", "property_staff", "grid_worker", "secretary")
    }

    heard = "支部敲门走访（2026-11-25，赵志强、陈静）了解到：楼上卫生间漏水，厨房天花板在滴水"
    assert seen["manager"] == seen["property_staff"] == [""]
    assert seen["grid_worker"] == seen["secretary"] == ["", heard]
    assert case.description == "楼上卫生间漏水，需上门维修"
