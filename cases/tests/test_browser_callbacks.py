"""请回电 in real browsers: a resident on a phone asks to be called back; the community's
staff see it on the bar, call, and file what they heard as a case."""

import pytest

from cases.models import CallbackRequest, Case
from core.testing import sign_in
from orgs.models import User

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_resident_asks_to_be_called_and_the_call_becomes_a_case(
    phone, desktop, live_server, world, catalogue
):
    world.R1.user = User.objects.create(username="resident-r1")
    world.R1.save()
    sign_in(phone, live_server, world.R1.user)
    phone.goto("/cases/report/")
    phone.get_by_role("button", name="请给我回电话").click()
    phone.get_by_text("社区工作人员会尽快拨打 139****0001").wait_for()
    phone.shot("callback-1-asked")

    sign_in(desktop, live_server, world.community)
    desktop.goto("/")
    desktop.locator("[data-callbacks-waiting='1']").click()
    desktop.get_by_role("link", name="已回电，登记诉求").click()
    desktop.locator("[data-calling-back]").wait_for()
    desktop.get_by_label("反映什么问题？").select_option("RB15")
    desktop.get_by_label("问题描述").fill("回电：楼上漏水，厨房天花板滴水")
    desktop.get_by_role("button", name="登记诉求").click()
    desktop.locator("[data-status=submitted]").wait_for()

    case = Case.objects.get()
    assert (case.channel, case.resident, case.household) == ("phone", world.R1, world.H1)
    assert CallbackRequest.objects.get().case == case
    desktop.goto("/cases/callbacks/")
    desktop.get_by_text("暂无待回电的居民。").wait_for()
