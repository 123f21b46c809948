"""On a phone: the grid worker sees the overdue alert, opens today's list and logs a visit.
On a desktop: a partner's page shows its pledges against what it delivered."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alliance import services as alliance_services
from alliance.models import Partner
from care import services
from care.models import CareVisit
from care.worker import alerts_due
from catalog.models import Item
from core.testing import PASSWORD
from residents.models import Tag
from residents.services import ConsentGiven

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _sign_in_staff(page, username):
    page.goto("about:blank")  # the old page's htmx requests stop with it
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", name="工作台").wait_for()


def test_grid_worker_logs_a_due_visit_on_a_phone(phone, world):
    world.R1.tags.add(Tag.objects.get(code="elderly_alone"))
    now = timezone.now()
    recipient = services.recipient_enroll(
        actor=world.grid_worker,
        resident=world.R1,
        consent=ConsentGiven(),
        now=now - timedelta(days=3),
    )
    alerts_due(now=now)

    _sign_in_staff(phone, "wanggeyuan")
    alerts = phone.locator("#care-alerts")
    alerts.locator('[data-care-alert="visit_overdue"]').get_by_text("居民1").wait_for()
    phone.shot("care-1-home-alert")
    alerts.get_by_role("link", name="今日待走访").click()
    row = phone.locator(f'[data-recipient="{recipient.pk}"]')
    row.get_by_text("已逾期").wait_for()
    phone.shot("care-2-due-today")
    row.get_by_role("link", name="登记走访").click()

    phone.get_by_label("状态良好").check()
    phone.get_by_label("走访发现").fill("精神不错，药还有半个月的量")
    phone.shot("care-3-visit-form")
    phone.get_by_role("button", name="保存走访记录").click()
    phone.get_by_text("走访已登记。").wait_for()
    phone.shot("care-4-visit-logged")

    visit = CareVisit.objects.get()
    assert (visit.logged_by, visit.wellbeing) == (world.grid_worker, "good")
    assert visit.findings == "精神不错，药还有半个月的量"
    phone.goto("/care/today/")
    phone.get_by_text("今天没有需要走访的对象。").wait_for()
    phone.goto("/")
    assert phone.locator('[data-care-alert="visit_overdue"]').count() == 0
    assert phone.locator('[data-care-alert="reassessment_due"]').count() == 1


def test_partner_page_shows_pledges_against_delivery(desktop, world, catalogue):
    partner = alliance_services.partner_create(
        actor=world.secretary,
        kind=Partner.Kind.SOCIAL_ORGANISATION,
        name="爱无限",
        communities=[world.C1],
        members=[world.partner],
        joined_on=timezone.localdate(),
    )
    alliance_services.pledge_create(
        actor=world.secretary,
        partner=partner,
        item=Item.objects.get(code="PW02"),
        commitment="每周送餐三次",
        times_per_year=150,
    )
    _sign_in_staff(desktop, "shuji")
    desktop.goto(f"/alliance/partners/{partner.pk}/")
    desktop.get_by_role("heading", name="爱无限").wait_for()
    pledge = desktop.locator('[data-pledge="PW02"]')
    pledge.get_by_text("每周送餐三次").wait_for()
    assert pledge.locator("[data-delivered]").inner_text() == "0"
    assert desktop.locator('[data-stat="cases"]').inner_text() == "0"
    desktop.shot("alliance-partner-page")


def test_a_number_revealed_on_a_phone_shows_in_the_residents_own_log(phone, live_server, world):
    from core.testing import sign_in
    from orgs.models import User

    world.R1.tags.add(Tag.objects.get(code="elderly_alone"))
    recipient = services.recipient_enroll(
        actor=world.grid_worker, resident=world.R1, consent=ConsentGiven(), now=timezone.now()
    )
    sign_in(phone, live_server, world.grid_worker)
    phone.goto("/care/today/")
    row = phone.locator(f'[data-recipient="{recipient.pk}"]')
    row.get_by_text("139****0001").wait_for()
    assert row.locator('a[href^="tel:"]').count() == 0

    row.get_by_role("button", name="显示电话和门牌号（留痕）").click()

    row.locator('a[href="tel:13905320001"]').wait_for()
    row.get_by_text("本次查看已留痕。").wait_for()
    phone.shot("care-reveal-number")
    world.R1.user = User.objects.create(username="resident-r1")
    world.R1.save()
    sign_in(phone, live_server, world.R1.user)
    phone.goto("/")
    phone.get_by_role("link", name="我的个人信息").click()
    log = phone.locator("#access-log")
    log.get_by_text("第一网格").wait_for()
    assert "手机号码、门牌号" in log.inner_text() and "关爱档案" in log.inner_text()
    phone.shot("resident-access-log")
