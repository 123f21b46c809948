"""我也遇到了 in a real browser: a neighbour typing the same problem on a phone is told it was
already reported, joins it with one tap (and is refused, with nothing changed, when the case
was closed meanwhile), then follows it and rates it."""

import pytest
from django.utils import timezone

from cases.models import Case, CaseNeighbour, Status
from cases.services import case_accept, case_close, case_reply, case_resolve, case_submit
from cases.worker import fan_out_due
from catalog.models import Item
from core.testing import make_resident, sign_in
from orgs.models import Household, User
from triage.services import model_train

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _reported(world, text):
    if world.R1.user is None:
        world.R1.user = User.objects.create(username="reporter")
        world.R1.save()
    return case_submit(
        created_by=world.R1.user,
        item=Item.objects.get(code="RB06"),
        description=text,
        channel="web",
        resident=world.R1,
        estate=world.E1,
        building=world.B1,
    )


def test_a_neighbour_joins_the_case_already_reported_and_rates_it(
    phone, live_server, world, catalogue
):
    model_train(reason="test")
    first = _reported(world, "楼道里堆满了杂物，王阿姨家门口过不去人")
    second = _reported(world, "楼道杂物堆积，纸箱子堆到楼梯上了")
    household = Household.objects.create(unit=world.H1.unit, number="502", floor=5)
    user = User.objects.create(username="neighbour")
    neighbour = make_resident(name="邻居", mobile="13905328888", household=household, user=user)

    sign_in(phone, live_server, user)
    phone.goto("/cases/report/")
    phone.get_by_label("在我家").select_option(str(household.pk))
    phone.get_by_label("问题描述").press_sequentially("楼道里堆满了杂物，纸箱子都堆到楼梯上了")
    box = phone.locator("[data-duplicates]")
    box.wait_for()
    assert "王阿姨" not in box.inner_text()  # item, place, date and status only
    phone.shot("neighbours-1-already-reported")

    # The second case is closed while the box is on screen: joining it is refused.
    case_accept(case=second, actor=world.manager)
    case_resolve(case=second, actor=world.manager, note="已清理")
    case_close(case=second, actor=world.secretary)
    phone.locator(f'[data-join="{second.tracking_no}"]').click()
    refusal = phone.locator(f'[data-join="{second.tracking_no}"] + .hgj-refusal')
    refusal.wait_for()
    assert "已结案" in refusal.inner_text()
    assert not CaseNeighbour.objects.filter(case=second).exists()

    phone.locator(f'[data-join="{first.tracking_no}"]').click()
    phone.locator(f'[data-joined="{first.tracking_no}"]').wait_for()
    phone.shot("neighbours-2-joined")
    assert Case.objects.count() == 2  # no new case
    first.refresh_from_db()
    assert first.neighbour_count == 1

    # Told of its progress; the page shows the handlers' answer, not the reporter's words.
    case_accept(case=first, actor=world.manager)
    case_reply(case=first, actor=world.manager, text="保洁下午来清理")
    fan_out_due(now=timezone.now())  # the worker beside the web server
    phone.goto("/cases/notifications/")
    phone.get_by_text(first.tracking_no).first.click()
    phone.get_by_text("保洁下午来清理").wait_for()
    assert "王阿姨" not in phone.content()

    case_resolve(case=first, actor=world.manager, note="已清理干净")
    phone.reload()
    phone.get_by_label("满意", exact=True).check()
    phone.get_by_role("button", name="提交评价").click()
    phone.locator("[data-my-rating]").wait_for()
    phone.shot("neighbours-3-rated")
    row = CaseNeighbour.objects.get(case=first, resident=neighbour)
    first.refresh_from_db()
    assert row.rating == "satisfied"
    assert (first.status, first.rating) == (Status.RESOLVED, "")  # still the reporter's to rate
