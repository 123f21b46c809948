"""The hotline's answers coming back through `/api/v1/connect/answers/…`: rulings on return
and extension requests, follow-up calls; each applied once per answer id, on its own orders
only, and never past a staff member acting on the case at the same moment."""

import json
import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.test import Client
from django.utils import timezone

from api.services import token_create
from cases import services
from cases.models import Case, Extension, Participant
from connect import services as connect_services
from connect.models import ExternalOrder, HotlineAnswer
from core.errors import Conflict, Forbidden

pytestmark = pytest.mark.django_db
URL = "/api/v1/connect/answers/"


def _post(system_or_key, kind, payload, client=None):
    key = getattr(system_or_key, "key", system_or_key)
    response = (client or Client()).post(
        URL + kind,
        json.dumps(payload, default=str),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    return response.status_code, response.json()


def _returned(world, hotline_order):
    case = hotline_order()
    services.case_return(case=case, actor=world.manager, reason="wrong_location", note="不在本小区")
    return case


def _actions(case):
    return list(case.events.values_list("action", flat=True))


def test_a_refused_return_goes_back_to_the_party_that_returned_it(world, system, hotline_order):
    case = _returned(world, hotline_order)

    status, reply = _post(
        system,
        "return",
        {"answer_id": "R-1", "order_number": case.external_order.number, "approved": False},
    )

    case.refresh_from_db()
    assert status == 200
    assert reply == {
        "answer_id": "R-1",
        "order_number": "12345-20261125-0001",
        "tracking_no": case.tracking_no,
        "status": "submitted",
        "resolution_due": timezone.localtime(case.resolution_due).isoformat(timespec="seconds"),
    }
    assert case.status == "submitted"
    lead = Participant.objects.get(case=case, role="lead")
    assert (lead.company, lead.org_unit) == (world.P1, None)
    ruling = case.events.get(action="rule_return")
    assert (ruling.actor, ruling.party, ruling.note) == (
        system.user,
        "system",
        "12345热线不同意退单。",
    )


def test_an_approved_return_stays_with_the_back_office_with_a_note(world, system, hotline_order):
    case = _returned(world, hotline_order)

    status, reply = _post(
        system,
        "return",
        {
            "answer_id": "R-1",
            "order_number": case.external_order.number,
            "approved": True,
            "note": "改派市政",
        },
    )

    case.refresh_from_db()
    assert (status, reply["status"], case.status) == (200, "returned", "returned")
    note = case.events.get(action="note")
    assert (note.actor, note.public, note.note) == (
        system.user,
        False,
        "12345热线同意退单。 改派市政",
    )


def test_the_same_answer_sent_again_gets_the_same_reply_and_changes_nothing(
    world, system, hotline_order
):
    case = _returned(world, hotline_order)
    answer = {"answer_id": "R-1", "order_number": case.external_order.number, "approved": False}

    first = _post(system, "return", answer)
    again = _post(system, "return", answer)
    other = _post(system, "return", answer | {"approved": True})

    assert again == first
    assert _actions(case).count("rule_return") == 1
    assert other == (
        422,
        {
            "code": "answer_id_reused",
            "message": "这个答复编号已用于另一条答复，请换一个。",
            "fields": {},
        },
    )
    assert HotlineAnswer.objects.count() == 1


def test_an_approved_extension_moves_the_deadline_to_the_hotline_s_date(
    world, system, hotline_order
):
    case = hotline_order()
    services.case_accept(case=case, actor=world.manager)
    services.case_request_extension(
        case=case,
        actor=world.manager,
        reason="需等配件",
        new_due=case.resolution_due + timedelta(days=3),
    )
    granted = case.resolution_due + timedelta(days=2)

    status, reply = _post(
        system,
        "extension",
        {
            "answer_id": "E-1",
            "order_number": case.external_order.number,
            "approved": True,
            "new_due": granted,
        },
    )

    case.refresh_from_db()
    extension = Extension.objects.get(case=case)
    assert status == 200
    assert case.resolution_due == granted == case.external_order.answer_by
    assert reply["resolution_due"] == timezone.localtime(granted).isoformat(timespec="seconds")
    assert (extension.state, extension.new_due, extension.decided_by) == (
        "approved",
        granted,
        system.user,
    )


def test_a_refused_extension_keeps_the_deadline(world, system, hotline_order):
    case = hotline_order()
    due = case.resolution_due
    services.case_request_extension(
        case=case, actor=world.manager, reason="需等配件", new_due=due + timedelta(days=3)
    )

    status, _ = _post(
        system,
        "extension",
        {"answer_id": "E-1", "order_number": case.external_order.number, "approved": False},
    )

    case.refresh_from_db()
    assert (status, case.resolution_due, Extension.objects.get(case=case).state) == (
        200,
        due,
        "rejected",
    )


def _resolved(world, hotline_order, number="12345-20261125-0001"):
    case = hotline_order(number)
    services.case_accept(case=case, actor=world.manager)
    services.case_resolve(case=case, actor=world.manager, note="已清理")
    return case


def test_a_satisfied_follow_up_is_the_case_s_rating_and_closes_it(
    world, system, hotline_order, client_for
):
    case = _resolved(world, hotline_order)

    status, reply = _post(
        system,
        "follow-up",
        {
            "answer_id": "F-1",
            "order_number": case.external_order.number,
            "rating": "satisfied",
            "solved": True,
            "note": "市民表示满意",
        },
    )

    case.refresh_from_db()
    assert (status, reply["status"]) == (200, "closed")
    assert (case.rating, case.rating_source, case.rating_comment) == (
        "satisfied",
        "hotline",
        "市民表示满意",
    )
    assert (case.followup_solved, case.followed_up_at, case.rated_at) == (
        True,
        case.closed_at,
        case.closed_at,
    )
    assert _actions(case)[-2:] == ["follow_up", "close"]
    page = client_for(world.community).get(f"/cases/{case.pk}/").content.decode()
    assert (
        '满意 <span class="badge text-bg-light border" data-rating-source>12345热线回访</span>'
        in page
    )


@pytest.mark.parametrize("rating, solved", [("dissatisfied", True), ("basic", False)])
def test_dissatisfied_or_not_solved_reopens_the_case_with_the_hotline_s_new_time_limit(
    world, system, hotline_order, rating, solved
):
    case = _resolved(world, hotline_order)
    redo_by = timezone.now() + timedelta(days=3)

    status, reply = _post(
        system,
        "follow-up",
        {
            "answer_id": "F-1",
            "order_number": case.external_order.number,
            "rating": rating,
            "solved": solved,
            "new_due": redo_by,
        },
    )

    case.refresh_from_db()
    assert (status, reply["status"], case.status, case.reopen_count) == (
        200,
        "reopened",
        "reopened",
        1,
    )
    assert case.resolution_due == redo_by == case.external_order.answer_by
    assert (case.rating, case.rating_source, case.followup_solved) == (rating, "hotline", solved)
    reopen = case.events.get(action="reopen")
    assert (reopen.actor, reopen.note) == (system.user, "12345热线回访：需重办。")


def test_a_redo_without_a_new_time_limit_is_refused_and_changes_nothing(
    world, system, hotline_order
):
    case = _resolved(world, hotline_order)

    status, body = _post(
        system,
        "follow-up",
        {
            "answer_id": "F-1",
            "order_number": case.external_order.number,
            "rating": "dissatisfied",
            "solved": False,
        },
    )

    assert (status, body["code"], body["fields"]) == (400, "invalid", {"new_due": ["required"]})
    case.refresh_from_db()
    assert (case.status, case.rating) == ("resolved", "")


def test_an_answer_that_no_longer_fits_the_case_is_refused_and_not_kept(
    world, system, hotline_order
):
    case = hotline_order()  # never returned, not resolved

    ruling = _post(
        system,
        "return",
        {"answer_id": "R-1", "order_number": case.external_order.number, "approved": False},
    )
    call = _post(
        system,
        "follow-up",
        {
            "answer_id": "F-1",
            "order_number": case.external_order.number,
            "rating": "satisfied",
            "solved": True,
        },
    )

    assert ruling == (
        409,
        {
            "code": "answer_refused",
            "message": "这张工单没有待审核的退单申请（诉求现在是“待受理”）。",
            "fields": {},
        },
    )
    assert call[0] == 409 and call[1]["code"] == "answer_refused"
    assert HotlineAnswer.objects.count() == 0
    assert _actions(case) == ["submit"]


def test_only_the_system_s_own_key_reaches_only_its_own_orders(world, system, hotline_order):
    case = _returned(world, hotline_order)
    other, other_key = connect_services.system_create(
        name="另一条热线", kind="hotline", community=world.C1
    )
    _, personal = token_create(user=world.community, name="mine")
    answer = {"answer_id": "R-1", "order_number": case.external_order.number, "approved": False}

    assert _post(other_key, "return", answer)[0] == 404
    assert _post(personal, "return", answer)[0] == 401
    assert _post("hgjc_not-a-key", "return", answer)[0] == 401
    assert _post(system, "return", answer | {"order_number": "12345-nope"})[0] == 404
    assert Client().post(URL + "return", answer, content_type="application/json").status_code == 401
    case.refresh_from_db()
    assert case.status == "returned"


def test_the_back_office_s_stale_page_loses_to_the_hotline_s_ruling(world, system, hotline_order):
    case = _returned(world, hotline_order)
    seen_by_staff = Case.objects.get(pk=case.pk)

    _post(
        system,
        "return",
        {"answer_id": "R-1", "order_number": case.external_order.number, "approved": False},
    )

    with pytest.raises(Conflict):
        services.case_rule_return(
            case=seen_by_staff,
            actor=world.community,
            org_unit=world.M1,
            expected_version=seen_by_staff.version,
        )
    assert _actions(case).count("rule_return") == 1


def test_a_ruling_after_the_back_office_ruled_is_refused(world, system, hotline_order):
    case = _returned(world, hotline_order)
    services.case_rule_return(case=case, actor=world.community, org_unit=world.M1)

    status, body = _post(
        system,
        "return",
        {"answer_id": "R-1", "order_number": case.external_order.number, "approved": False},
    )

    assert (status, body["code"]) == (409, "answer_refused")
    lead = Participant.objects.get(case=case, role="lead")
    assert (lead.org_unit, lead.company) == (world.M1, None)


def test_an_approver_s_stale_page_loses_to_the_hotline_s_extension(world, system, hotline_order):
    case = hotline_order()
    services.case_accept(case=case, actor=world.manager)
    extension = services.case_request_extension(
        case=case,
        actor=world.property_staff,
        reason="需等配件",
        new_due=case.resolution_due + timedelta(days=3),
    )
    granted = case.resolution_due + timedelta(days=1)
    page_version = Case.objects.get(pk=case.pk).version

    _post(
        system,
        "extension",
        {
            "answer_id": "E-1",
            "order_number": case.external_order.number,
            "approved": True,
            "new_due": granted,
        },
    )

    with pytest.raises(Conflict):
        services.case_decide_extension(
            extension=Extension.objects.get(pk=extension.pk),
            actor=world.community,
            approve=True,
            expected_version=page_version,
        )
    case.refresh_from_db()
    assert case.resolution_due == granted


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_one_answer_sent_twice_at_once_is_applied_once(world, system, hotline_order):
    case = _returned(world, hotline_order)
    answer = {"answer_id": "R-1", "order_number": case.external_order.number, "approved": False}
    start, replies = threading.Barrier(2), []

    def send():
        start.wait()
        replies.append(_post(system, "return", answer))
        connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert [status for status, _ in replies] == [200, 200]
    assert replies[0] == replies[1]
    assert _actions(case).count("rule_return") == 1
    assert ExternalOrder.objects.get(case=case).number == "12345-20261125-0001"


def test_a_system_s_account_rules_only_on_its_own_orders_and_does_nothing_else(
    world, system, hotline_order, report
):
    own = _returned(world, hotline_order)
    web = report()
    services.case_return(case=web, actor=world.manager, reason="wrong_location")

    with pytest.raises(Forbidden):
        services.case_rule_return(case=web, actor=system.user, org_unit=world.M1)
    with pytest.raises(Forbidden):
        services.case_transfer(case=own, actor=system.user, note="x", company=world.P2)
    assert services.case_actions_allowed(case=own, actor=system.user) >= {"rule_return", "note"}
    assert "accept" not in services.case_actions_allowed(case=own, actor=system.user)
