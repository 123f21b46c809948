"""Correcting the item a case was filed under (`case_reclassify`)."""

import pytest

from cases import services
from cases.models import CaseEvent
from catalog.models import Item
from core.errors import ApplicationError, Conflict, Forbidden, NotFound
from core.testing import T0

pytestmark = pytest.mark.django_db


def test_reclassify_moves_item_domain_and_priority_with_an_internal_event(world, report):
    case = report(code="RB01", text="卫生间顶上一直往下渗水", now=T0)

    event = services.case_reclassify(
        case=case, actor=world.manager, item=Item.objects.get(code="RB15"), now=T0
    )

    case.refresh_from_db()
    assert (case.item.code, case.domain.code, case.priority) == ("RB15", "blue", "emergency")
    assert (event.action, event.public, event.data) == (
        "reclassify",
        False,
        {"from": "RB01", "to": "RB15"},
    )
    assert case.status == "submitted" and case.version == 2


def test_reclassify_refuses_the_same_item_a_service_or_a_stale_version(world, report):
    case = report(code="RB01", now=T0)
    with pytest.raises(ApplicationError):
        services.case_reclassify(case=case, actor=world.manager, item=case.item)
    with pytest.raises(ApplicationError):
        service = Item.objects.filter(kind=Item.Kind.SERVICE).first()
        services.case_reclassify(case=case, actor=world.manager, item=service)
    with pytest.raises(Conflict):
        services.case_reclassify(
            case=case,
            actor=world.manager,
            item=Item.objects.get(code="RB15"),
            expected_version=case.version + 1,
        )
    assert not CaseEvent.objects.filter(action="reclassify").exists()


def test_reclassify_out_of_scope_or_without_the_permission_changes_nothing(world, report):
    case = report(code="RB01", now=T0)
    leak = Item.objects.get(code="RB15")
    with pytest.raises(NotFound):
        services.case_reclassify(case=case, actor=world.other_manager, item=leak)
    with pytest.raises(Forbidden):
        services.case_reclassify(case=case, actor=world.nobody, item=leak)
    case.refresh_from_db()
    assert case.item.code == "RB01"
