"""A grid worker's day on a phone, in a real browser: signed in, the home is today's round;
one tap opens the case due soonest, another logs a door-knock visit."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.testing import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_grid_worker_starts_the_day_on_the_round(phone, world, report):
    now = timezone.now()
    report(now=now, text="楼道灯坏了")
    overdue = report(now=now - timedelta(days=20), text="化粪池冒水")

    phone.goto("/accounts/login/")
    phone.get_by_label("用户名").fill(world.grid_worker.username)
    phone.get_by_label("密码").fill(PASSWORD)
    phone.get_by_role("button", name="登录").click()
    phone.get_by_role("heading", name="今日任务").wait_for()
    first = phone.locator("[data-round-case]").first
    assert first.get_attribute("data-round-case") == overdue.tracking_no
    assert "已逾期" in first.inner_text()
    phone.shot("round-1-home")

    first.click()
    phone.get_by_role("heading", name=overdue.tracking_no).wait_for()
    phone.go_back()
    phone.get_by_role("link", name="登记入户走访").click()
    phone.get_by_role("heading", name="登记走访").wait_for()


def test_a_planned_door_knock_is_logged_from_the_round_in_two_taps(phone, world, live_server):
    from core.testing import sign_in
    from engagement.models import PlannedVisit
    from engagement.services import visit_plan

    visit_plan(
        actor=world.community,
        household=world.H1,
        due_on=timezone.localdate(),
        assignee=world.grid_worker,
        note="独居老人回访",
    )
    sign_in(phone, live_server, world.grid_worker)
    phone.goto("/")
    planned = phone.locator("[data-planned-visit]")
    assert "独居老人回访" in planned.inner_text()
    phone.shot("round-2-planned")

    planned.get_by_role("link", name="登记走访").click()
    assert phone.locator("input[name=number]").input_value() == world.H1.number  # the door
    phone.locator("textarea[name=heard]").fill("老人身体还好，想报名老年食堂")
    phone.get_by_role("button", name="保存走访记录").click()
    phone.get_by_text("走访已登记").wait_for()
    assert PlannedVisit.objects.get().visit.heard == "老人身体还好，想报名老年食堂"
    phone.goto("/")
    phone.locator("[data-round-no-plans]").wait_for()
