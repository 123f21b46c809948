"""Orders coming in, through the intake service: filed once per number, placed by our ids or
their address text, queued when they cannot be placed, the hotline's clocks, the crosswalk."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Action, Case, Participant
from catalog.selectors import sla_deadlines
from connect.intake import (
    InvalidOrder,
    OrderConflict,
    OrderData,
    order_item_confirm,
    order_place,
    order_receive,
)
from connect.models import CategoryCode, ExternalOrder
from connect.selectors import orders_to_place_for
from core.errors import Conflict, NotFound

pytestmark = pytest.mark.django_db


NOW = timezone.now().replace(microsecond=0)  # a retry sends the same times again


def _order(now=NOW, **fields) -> OrderData:
    values = {
        "number": "2026120300017",
        "content": "1号楼楼道灯不亮，晚上看不清台阶",
        "called_at": now - timedelta(minutes=20),
        "caller_name": "孙女士",
        "caller_phone": "13905320001",
        "address": "方城路小区1号楼1单元101",
        "order_type": "complaint",
        "urgency": "一般",
        "sign_by": now + timedelta(hours=2),
        "answer_by": now + timedelta(days=3),
    }
    return OrderData(**values | fields)


def test_a_hotline_order_becomes_a_case_placed_by_its_address_with_the_hotline_s_clocks(
    world, hotline
):
    data = _order()
    now = timezone.now()

    order, created = order_receive(system=hotline, data=data, now=now)

    case = Case.objects.get()
    assert created is True
    assert (order.state, order.case, order.number) == ("filed", case, "2026120300017")
    assert (case.channel, case.created_by, case.external_no) == (
        "hotline",
        hotline.user,
        "2026120300017",
    )
    assert (case.estate, case.building, case.household) == (world.E1, world.B1, world.H1)
    assert (case.contact_name, case.contact_mobile, case.created_at) == (
        "孙女士",
        "13905320001",
        now,
    )
    assert (case.response_due, case.resolution_due) == (data.sign_by, data.answer_by)
    assert case.next_escalation_at == data.sign_by
    # Our own clocks are kept beside them, as the item's SLA gives them.
    ours = sla_deadlines(policy=case.sla, start=now)
    assert (order.own_response_due, order.own_resolution_due) == (
        ours.response.at,
        ours.resolution.at,
    )
    # Dual receipt as for any case: the micro-grid and the estate's company.
    sides = set(case.participants.values_list("org_unit_id", "company_id"))
    assert sides == {(world.M1.pk, None), (None, world.P1.pk)}
    assert case.events.get().action == Action.SUBMIT


def test_a_retry_returns_the_same_order_and_other_content_is_a_conflict(world, hotline):
    first, _created = order_receive(system=hotline, data=_order())

    again, created = order_receive(system=hotline, data=_order(number=first.number))

    assert (again, created, Case.objects.count()) == (first, False, 1)
    with pytest.raises(OrderConflict):
        order_receive(system=hotline, data=_order(content="其实是2号楼的灯"))
    assert (Case.objects.count(), ExternalOrder.objects.count()) == (1, 1)


def test_the_same_number_from_another_system_is_another_order(world, hotline, company_app):
    order_receive(system=hotline, data=_order())

    _order_of_app, created = order_receive(system=company_app, data=_order())

    assert (created, Case.objects.count()) == (True, 2)


def test_our_ids_place_an_order_and_must_lie_in_the_system_s_scope(world, hotline):
    order, _created = order_receive(
        system=hotline,
        data=_order(address="不重要", building_id=world.B2.pk, household_id=world.H2.pk),
    )
    assert (order.case.estate, order.case.household) == (world.E2, world.H2)

    for ids in ({"household_id": world.H3.pk}, {"estate_id": world.E3.pk}):
        with pytest.raises(InvalidOrder) as refused:
            order_receive(system=hotline, data=_order(number="2026120300018", **ids))
        assert list(refused.value.data["fields"]) == list(ids)
    with pytest.raises(InvalidOrder):  # a household of another building
        order_receive(
            system=hotline,
            data=_order(number="2026120300019", building_id=world.B1.pk, household_id=world.H2.pk),
        )
    assert ExternalOrder.objects.count() == 1


def test_an_order_that_cannot_be_placed_waits_and_staff_place_it_with_its_own_clocks(
    world, hotline
):
    received = timezone.now() - timedelta(hours=3)
    data = _order(address="9栋2单元602室", sign_by=received + timedelta(hours=1))
    order, created = order_receive(system=hotline, data=data, now=received)
    assert (created, order.state, order.case, Case.objects.count()) == (
        True,
        "needs_place",
        None,
        0,
    )

    assert list(orders_to_place_for(user=world.community)) == [order]
    assert list(orders_to_place_for(user=world.secretary)) == [order]
    for outsider in (world.grid_worker, world.subdistrict, world.manager, world.nobody):
        assert list(orders_to_place_for(user=outsider)) == []

    order_place(order=order, actor=world.community, estate=world.E2, building=world.B2)

    order.refresh_from_db()
    case = order.case
    assert (order.state, order.placed_by, case.estate, case.building) == (
        "filed",
        world.community,
        world.E2,
        world.B2,
    )
    # Filed at the time the order came in, with the hotline's time limit already missed.
    assert (case.created_at, case.response_due) == (received, data.sign_by)
    assert case.next_escalation_at < timezone.now()
    assert list(orders_to_place_for(user=world.community)) == []
    with pytest.raises(Conflict):
        order_place(order=order, actor=world.secretary, estate=world.E1)


def test_staff_place_an_order_only_in_their_own_places(world, hotline):
    order, _created = order_receive(system=hotline, data=_order(address="不知道在哪里"))

    with pytest.raises(NotFound):  # another community's estate
        order_place(order=order, actor=world.community, estate=world.E3)

    order.refresh_from_db()
    assert (order.state, Case.objects.count()) == ("needs_place", 0)


def test_a_company_s_app_files_into_its_estates_and_their_communities_place_its_orders(
    world, company_app
):
    order, _created = order_receive(system=company_app, data=_order(address="没写清楼号"))

    # Both communities with one of 方圆物业's estates see it, and the company itself.
    for user in (world.community, world.manager, world.property_staff):
        assert list(orders_to_place_for(user=user)) == [order]
    assert list(orders_to_place_for(user=world.other_manager)) == []
    # 方城路社区's staff may place it only in 方圆物业's estate of their community.
    with pytest.raises(NotFound):
        order_place(order=order, actor=world.community, estate=world.E2)
    order_place(order=order, actor=world.community, estate=world.E1)
    order.refresh_from_db()
    assert (order.case.channel, order.case.estate) == ("connected", world.E1)


def test_only_a_hotline_s_time_limits_replace_ours(world, company_app):
    data = _order()

    order, _created = order_receive(system=company_app, data=data)

    assert order.case.resolution_due != data.answer_by
    assert order.own_resolution_due is None


def test_a_mapped_code_gives_the_item_and_an_unknown_one_takes_triage_s(world, hotline, trained):
    from catalog.models import Item

    lighting = Item.objects.get(code="RB19")
    CategoryCode.objects.create(system=hotline, code="030201", label="路灯照明", item=lighting)

    mapped, _c = order_receive(system=hotline, data=_order(category_code="030201"))
    unknown, _c = order_receive(
        system=hotline,
        data=_order(
            number="2026120300099",
            category_code="0999",
            category_label="其他",
            content="楼上漏水，卫生间天花板一直在滴水",
        ),
    )

    assert (mapped.case.item, mapped.item_suggested) == (lighting, False)
    assert (unknown.case.item.code, unknown.item_suggested) == ("RB15", True)
    learnt = CategoryCode.objects.get(system=hotline, code="0999")
    assert (learnt.label, learnt.item) == ("其他", None)  # for the administrator to map

    order_item_confirm(order=unknown, actor=world.community, item=lighting)

    unknown.refresh_from_db()
    assert (unknown.case.item, unknown.item_confirmed_by) == (lighting, world.community)
    assert unknown.case.events.filter(action=Action.RECLASSIFY).count() == 1
    with pytest.raises(Conflict):
        order_item_confirm(order=unknown, actor=world.secretary, item=lighting)


def test_a_landline_is_the_case_s_contact_number(world, hotline):
    order, _c = order_receive(system=hotline, data=_order(caller_phone="0532-83331234"))

    assert order.case.contact_mobile == "0532-83331234"
    assert Participant.objects.filter(case=order.case).count() == 2


def test_a_code_mapped_to_an_item_nobody_can_request_never_refuses_the_order(world, hotline):
    from catalog.models import Item

    guide = Item.objects.get(code="PW17")  # information only: nobody can request it
    CategoryCode.objects.create(system=hotline, code="0700", label="法律援助", item=guide)

    order, created = order_receive(system=hotline, data=_order(category_code="0700"))

    assert (created, order.state, order.item_suggested) == (True, "filed", True)
    assert order.case.item.kind == "appeal"


def test_a_building_added_since_the_places_were_read_is_found_by_its_id(world, hotline):
    from orgs.models import Building

    order_receive(system=hotline, data=_order())  # this process now keeps the places
    added = Building.objects.create(estate=world.E1, name="23号楼", microgrid=world.M1)

    order, _created = order_receive(
        system=hotline, data=_order(number="2026120300777", building_id=added.pk)
    )

    assert (order.state, order.case.building) == ("filed", added)
