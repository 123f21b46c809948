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
