from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import services
from cases.models import (
    Action,
    Case,
    CaseEvent,
    Extension,
    Notification,
    OutboxMessage,
    Participant,
    Status,
)
from cases.tests.conftest import SH, T0
from catalog.models import Item
from core.errors import Conflict, Forbidden

pytestmark = pytest.mark.django_db


def _actions(case):
    return list(case.events.values_list("action", flat=True))


def _photo(name="leak.jpg"):
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def test_case_submit_places_the_case_with_both_parties_at_once(report, world):
    case = report()

    assert case.tracking_no == "FC20261125-0001"
    assert case.status == Status.SUBMITTED
    assert (case.owner_unit, case.area_path, case.level) == (world.M1, world.M1.path, 0)
    parties = {(p.org_unit_id, p.company_id, p.role) for p in case.participants.all()}
    assert parties == {(world.M1.pk, None, "co_handler"), (None, world.P1.pk, "lead")}
    assert _actions(case) == [Action.SUBMIT]


def test_case_submit_queues_one_fan_out_and_the_worker_tells_resident_grid_and_company(
    report, world, fan_out
):
    case = report()

    # The request writes one outbox row for its event; the worker tells everyone from it.
    queued = OutboxMessage.objects.get()
    assert (queued.channel, queued.body) == ("fanout", case.tracking_no)
    assert not Notification.objects.exists()
    assert fan_out() == 1
    notified = set(Notification.objects.filter(case=case).values_list("user__username", flat=True))
    assert {"weiwangge", "wanggeyuan", "wuye_jingli", "wuye_kefu", "resident-r1"} <= notified
    assert "wuye2_jingli" not in notified and "wuye_weixiu" not in notified
    assert OutboxMessage.objects.filter(channel="sms", recipient=world.R1.mobile).count() == 1
    assert fan_out() == 0  # once


def test_case_submit_clocks_come_from_the_item_policy(report):
    case = report()  # RB01: ordinary, 2 working hours / 5 working days from Wednesday 09:00

    assert case.response_due == T0 + timedelta(hours=2)
    assert case.resolution_due == T0 + timedelta(days=7)
    assert case.next_escalation_at == case.response_due
    assert case.deadlines_provisional is False


def test_case_submit_emergency_words_use_the_emergency_clock(report):
    case = report(text="楼上漏水，水一直往下滴")

    assert case.priority == "emergency"
    assert case.response_due == T0 + timedelta(minutes=30)
    assert case.resolution_due == T0 + timedelta(hours=2)


def test_case_submit_from_utc_now_counts_working_time_in_beijing(report):
    # As production files it: timezone.now() is UTC; 18:52 UTC is Wednesday 02:52 in Beijing.
    now = datetime(2026, 11, 24, 18, 52, tzinfo=UTC)
    consultation = report(code="PW15", now=now)  # answered within 1 working day

    assert consultation.resolution_due == datetime(2026, 11, 25, 17, 30, tzinfo=SH)
    assert consultation.tracking_no.startswith("FC20261125-")


def test_case_submit_tracking_numbers_count_up_per_day(report):
    first, second = report(), report(now=T0 + timedelta(minutes=5))
    tomorrow = report(now=T0 + timedelta(days=1))

    assert (first.tracking_no, second.tracking_no) == ("FC20261125-0001", "FC20261125-0002")
    assert tomorrow.tracking_no == "FC20261126-0001"


def test_case_submit_idempotency_key_returns_the_first_case(report):
    first = report(idempotency_key="k-123")
    again = report(idempotency_key="k-123")

    assert again.pk == first.pk
    assert Case.objects.count() == 1


def test_case_submit_with_photos(report):
    case = report(photos=[_photo(), _photo("b.jpg")])

    assert case.photos.count() == 2
    assert {p.width for p in case.photos.all()} == {64}


def test_case_submit_refuses_bad_input_and_stores_nothing(report, world):
    from core.errors import ApplicationError

    with pytest.raises(ApplicationError):
        report(text="   ")
    with pytest.raises(ApplicationError):
        report(building=world.B2)  # B2 is in another estate
    with pytest.raises(ApplicationError):
        report(photos=[SimpleUploadedFile("x.jpg", b"not an image")])

    assert Case.objects.count() == 0


def test_case_submit_public_spot_without_building_goes_to_the_community(report, world):
    case = report(building=None, location_text="小区南门")

    assert (case.owner_unit, case.level) == (world.C1, 2)


def test_case_accept_then_resolve_then_rate_satisfied_closes(report, world):
    case = report()
    services.case_accept(case=case, actor=world.manager, now=T0 + timedelta(minutes=10))
    services.case_first_response(case=case, actor=world.manager, now=T0 + timedelta(minutes=20))
    services.case_resolve(
        case=case,
        actor=world.manager,
        note="已清理",
        photos=[_photo()],
        now=T0 + timedelta(hours=3),
    )
    services.case_rate(
        case=case, user=world.resident_user, rating="satisfied", now=T0 + timedelta(hours=5)
    )

    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert case.next_escalation_at is None
    assert _actions(case) == ["submit", "accept", "first_response", "resolve", "rate"]
    assert case.events.get(action="resolve").photos.count() == 1


def test_case_transition_refuses_illegal_moves(report, world):
    case = report()

    with pytest.raises(services.CaseStateError):
        services.case_resolve(case=case, actor=world.manager, note="x")  # not accepted yet
    with pytest.raises(services.CaseStateError):
        services.case_rate(case=case, user=world.resident_user, rating="satisfied")

    case.refresh_from_db()
    assert (case.status, case.version) == (Status.SUBMITTED, 1)


def test_case_concurrent_staff_actions_second_gets_a_conflict(report, world):
    case = report()
    seen_by_a = Case.objects.get(pk=case.pk)
    seen_by_b = Case.objects.get(pk=case.pk)

    services.case_accept(case=seen_by_a, actor=world.manager)
    with pytest.raises(Conflict):
        services.case_return(case=seen_by_b, actor=world.grid_worker, reason="wrong_location")

    assert list(case.events.values_list("action", flat=True)) == ["submit", "accept"]


def test_case_expected_version_from_a_stale_page_conflicts(report, world):
    case = report()

    with pytest.raises(Conflict):
        services.case_accept(case=case, actor=world.manager, expected_version=case.version - 1)


def test_case_roles_that_may_not_act_are_refused(report, world):
    case = report()

    with pytest.raises(Forbidden):
        services.case_accept(case=case, actor=world.subdistrict)  # oversight does not handle
    with pytest.raises(Forbidden):
        services.case_supervise(case=case, actor=world.grid_worker, due=T0 + timedelta(days=1))
    with pytest.raises(Forbidden):
        services.case_rate(case=case, user=world.manager, rating="satisfied")


def test_case_return_and_ruling_restart_the_response_clock(report, world):
    case = report()
    services.case_return(
        case=case, actor=world.manager, reason="ownership_unclear", now=T0 + timedelta(minutes=30)
    )
    assert (case.status, case.return_count, case.next_escalation_at) == (Status.RETURNED, 1, None)

    services.case_rule_return(
        case=case, actor=world.secretary, org_unit=world.G1, now=T0 + timedelta(hours=1)
    )

    assert case.status == Status.SUBMITTED
    assert case.lead_party == "community"
    assert case.response_due == T0 + timedelta(hours=3)
    lead = case.participants.get(role=Participant.Role.LEAD)
    assert lead.org_unit == world.G1


def test_case_return_needs_a_known_reason(report, world):
    from core.errors import ApplicationError

    with pytest.raises(ApplicationError):
        services.case_return(case=report(), actor=world.manager, reason="bored")


def test_case_transfer_to_the_other_party(report, world):
    case = report()
    services.case_transfer(
        case=case, actor=world.manager, note="属于社区公共事务", org_unit=world.M1
    )

    assert case.lead_party == "community"
    assert case.participants.get(role="lead").org_unit == world.M1
    assert case.participants.get(company=world.P1).role == "co_handler"


def test_case_whistle_calls_units_in_who_then_see_it(report, world):
    from cases.selectors import case_visible_to

    case = report()
    outsider = _staff_of(world.G3)
    assert not case_visible_to(user=outsider, case=case)

    services.case_whistle(case=case, actor=world.secretary, units=[world.G3], note="需要执法协助")

    assert case_visible_to(user=outsider, case=case)
    assert case.participants.get(org_unit=world.G3).role == "co_handler"


def _staff_of(unit):
    from core.testing import make_user

    return make_user(f"staff-{unit.pk}", role="grid_worker", org_unit=unit)


def test_case_extension_is_approved_one_level_up(report, world):
    case = report()
    services.case_accept(case=case, actor=world.property_staff, now=T0)
    new_due = case.resolution_due + timedelta(days=3)
    extension = services.case_request_extension(
        case=case,
        actor=world.property_staff,
        reason="需要等待配件",
        new_due=new_due,
        now=T0 + timedelta(days=1),
    )

    with pytest.raises(Forbidden):
        services.case_decide_extension(extension=extension, actor=world.grid_worker, approve=True)
    services.case_decide_extension(
        extension=extension, actor=world.manager, approve=True, now=T0 + timedelta(days=1, hours=1)
    )

    case.refresh_from_db()
    assert case.resolution_due == new_due == case.next_escalation_at
    assert Extension.objects.get().state == "approved"


def test_case_extension_after_the_deadline_is_refused(report, world):
    from core.errors import ApplicationError

    case = report()
    with pytest.raises(ApplicationError):
        services.case_request_extension(
            case=case,
            actor=world.manager,
            reason="晚了",
            new_due=case.resolution_due + timedelta(days=1),
            now=case.resolution_due + timedelta(minutes=1),
        )


def test_case_extension_requester_cannot_approve_their_own(report, world):
    case = report()
    extension = services.case_request_extension(
        case=case,
        actor=world.manager,
        reason="等配件",
        new_due=case.resolution_due + timedelta(days=2),
        now=T0,
    )
    with pytest.raises(Forbidden):
        services.case_decide_extension(extension=extension, actor=world.manager, approve=True)


def test_case_supervise_flags_with_a_deadline(report, world):
    case = report()
    services.case_supervise(case=case, actor=world.secretary, due=T0 + timedelta(days=1), now=T0)

    assert case.supervise_due == T0 + timedelta(days=1)
    assert case.events.get(action="supervise").public is False


def test_case_dissatisfied_asks_for_follow_up_and_may_reopen(report, world, fan_out):
    case = report()
    services.case_accept(case=case, actor=world.manager, now=T0)
    services.case_resolve(
        case=case, actor=world.manager, note="已处理", now=T0 + timedelta(hours=1)
    )

    services.case_rate(
        case=case,
        user=world.resident_user,
        rating="dissatisfied",
        comment="根本没修好",
        reopen=True,
        now=T0 + timedelta(hours=2),
    )

    case.refresh_from_db()
    assert case.status == Status.REOPENED
    assert case.followup_needed is True and case.reopen_count == 1
    assert case.resolution_due == T0 + timedelta(hours=2) + timedelta(days=7)
    fan_out()
    assert Notification.objects.filter(case=case, user=world.secretary).exists()


def test_case_follow_up_solved_closes_a_resolved_case(report, world):
    case = report()
    services.case_accept(case=case, actor=world.manager, now=T0)
    services.case_resolve(
        case=case, actor=world.manager, note="已处理", now=T0 + timedelta(hours=1)
    )

    services.case_follow_up(
        case=case, actor=world.secretary, solved=True, now=T0 + timedelta(days=1)
    )

    assert (case.status, case.followup_solved) == (Status.CLOSED, True)


def test_case_merge_keeps_both_residents_informed(report, world, fan_out):
    first = report()
    from residents.models import Resident

    other = Resident.objects.create(name="邻居", mobile="13905329999")
    duplicate = report(resident=other, idempotency_key=None)

    services.case_merge(case=duplicate, into=first, actor=world.secretary)
    services.case_accept(case=first, actor=world.manager)
    fan_out()

    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == (Status.MERGED, first)
    accept_sms = OutboxMessage.objects.filter(
        channel="sms", body__contains=str(Action.ACCEPT.label)
    )
    assert set(accept_sms.values_list("recipient", flat=True)) >= {world.R1.mobile, other.mobile}


def test_case_reply_public_and_internal_note(report, world):
    case = report()
    services.case_reply(case=case, actor=world.manager, text="师傅下午到")
    services.case_reply(case=case, actor=world.manager, text="业主脾气急", public=False)

    public = list(case.events.filter(public=True).values_list("note", flat=True))
    assert "师傅下午到" in public and "业主脾气急" not in public


def test_case_assign_to_a_technician_of_the_company(report, world, fan_out):
    case = report()
    services.case_accept(case=case, actor=world.manager)
    services.case_assign(case=case, actor=world.manager, assignee=world.technician)
    fan_out()

    assert case.assignee == world.technician
    assert Notification.objects.filter(user=world.technician, case=case).exists()


def test_case_assign_outside_the_area_is_refused(report, world):
    from core.errors import ApplicationError

    case = report()
    services.case_accept(case=case, actor=world.manager)
    with pytest.raises(ApplicationError):
        services.case_assign(case=case, actor=world.manager, assignee=world.other_manager)


def test_every_change_leaves_an_event(report, world):
    case = report()
    services.case_accept(case=case, actor=world.manager)
    services.case_reply(case=case, actor=world.manager, text="收到")

    assert CaseEvent.objects.filter(case=case).count() == case.version


def test_partner_sees_only_cases_assigned_to_it(report, world):
    from cases.selectors import case_visible_to

    case = report()
    assert not case_visible_to(user=world.partner, case=case)
    services.case_accept(case=case, actor=world.secretary)
    services.case_assign(case=case, actor=world.secretary, assignee=world.partner)

    assert case_visible_to(user=world.partner, case=case)


def test_staff_cannot_act_on_a_case_outside_their_area(report, world):
    from core.errors import NotFound

    case = report()
    with pytest.raises(NotFound):
        services.case_accept(case=case, actor=world.other_manager)
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED


def test_reopened_case_can_be_rated_again_and_waits_for_the_follow_up(report, world):
    from cases import worker

    case = report()
    services.case_accept(case=case, actor=world.manager, now=T0)
    services.case_resolve(case=case, actor=world.manager, note="好了", now=T0 + timedelta(hours=1))
    services.case_rate(
        case=case,
        user=world.resident_user,
        rating="dissatisfied",
        reopen=True,
        now=T0 + timedelta(hours=2),
    )
    services.case_accept(case=case, actor=world.manager, now=T0 + timedelta(hours=3))
    services.case_resolve(case=case, actor=world.manager, note="再修", now=T0 + timedelta(hours=4))

    assert case.awaiting_rating is True
    # A dissatisfied resident is called back by the community: no silent auto-close.
    assert worker.auto_close_due(now=T0 + timedelta(days=8)) == 0
    services.case_follow_up(
        case=case, actor=world.secretary, solved=True, now=T0 + timedelta(days=8)
    )
    assert case.status == Status.CLOSED


def test_booked_service_is_never_an_emergency(report, world):
    item = Item.objects.filter(kind="service").first()

    case = report(code=item.code, text="燃气灶不打火，漏水也要看看", household=world.H1)

    assert case.priority != "emergency"


def test_each_assignment_tells_the_technician_it_named_when_the_worker_fans_out_later(
    report, world, fan_out
):
    """The manager assigns one technician, a colleague reassigns another before the worker's
    round: each hears of their own assignment, not the second twice."""
    from core.testing import make_user
    from orgs.roles import Role

    other = make_user("wuye_weixiu2", role=Role.TECHNICIAN, company=world.P1)
    case = report()
    services.case_accept(case=case, actor=world.manager)
    services.case_assign(case=case, actor=world.manager, assignee=world.technician)
    services.case_assign(case=case, actor=world.property_staff, assignee=other)
    fan_out()

    told = Notification.objects.filter(case=case, event__action=Action.ASSIGN)
    told = told.exclude(user=world.resident_user)  # who is told their case has a technician
    assert sorted(told.values_list("user__username", flat=True)) == [
        "wuye_weixiu",
        "wuye_weixiu2",
    ]
