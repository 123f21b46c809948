"""Live triage in a real browser: suggestions while typing on a phone, one click to use one,
and a staff correction from the case page."""

import re

import pytest
from django.utils import timezone

from cases.models import Case
from cases.worker import deliver_outbox, fan_out_due
from core.testing import PASSWORD
from residents.models import SmsMessage
from triage.models import Suggestion
from triage.services import model_train

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _sign_in_resident(page, mobile):
    page.goto("/accounts/resident/")
    page.get_by_label("手机号码").fill(mobile)
    page.get_by_role("button", name="获取验证码").click()
    page.get_by_text("验证码已发送").wait_for()
    code = re.search(r"\d{6}", SmsMessage.objects.filter(mobile=mobile).latest("id").body).group()
    page.get_by_label("验证码").fill(code)
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="登录", exact=True).click()


def test_resident_uses_a_suggestion_and_staff_correct_another_case(
    phone, desktop, world, catalogue
):
    model = model_train(reason="test")

    _sign_in_resident(phone, world.R1.mobile)
    phone.goto("/cases/report/")
    phone.get_by_label("在我家").select_option(str(world.H1.pk))
    phone.get_by_label("问题描述").press_sequentially("楼上漏水，水一直往下滴")
    phone.locator('[data-use="RB15"]').click()
    phone.locator("#id_item option[value=RB15]:checked").wait_for(state="attached")
    assert phone.locator('[data-priority="emergency"]').is_visible()
    phone.shot("triage-1-resident-suggestions")
    phone.get_by_role("button", name="提交").click()
    phone.get_by_text("诉求编号").first.wait_for()

    case = Case.objects.get()
    assert case.item.code == "RB15"
    fan_out_due(now=timezone.now())  # as the worker does beside the web server
    deliver_outbox(now=timezone.now())
    suggestion = Suggestion.objects.get(case=case)
    assert suggestion.model == model and suggestion.accepted

    # A case filed under the wrong item: the manager corrects it from the triage panel.
    wrong = Case.objects.filter(pk=case.pk)
    wrong.update(item_id=case.item.__class__.objects.get(code="RB01").pk)
    desktop.goto("/accounts/login/")
    desktop.get_by_label("用户名").fill("wuye_jingli")
    desktop.get_by_label("密码").fill(PASSWORD)
    desktop.get_by_role("button", name="登录").click()
    desktop.goto(f"/cases/{case.pk}/")
    desktop.locator("[data-disagrees]").wait_for()
    desktop.locator('[data-suggestion="RB15"] button').click()
    desktop.locator('[data-suggestion="RB15"] .badge').wait_for()
    desktop.shot("triage-2-staff-corrected")
    case.refresh_from_db()
    assert case.item.code == "RB15"
    assert case.events.filter(action="reclassify").count() == 1
