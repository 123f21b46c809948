"""One task per screen in the elder mode, on a phone in a real browser: the report form shows
what happened, then where, then a check before sending, one at a time; a refusal opens the
step that holds the error. In the usual mode the form is one page."""

import pytest

from cases.models import Case
from core.testing import sign_in
from orgs.models import User

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _resident(phone, live_server, world, *, elder: bool):
    world.R1.user = User.objects.create(username="resident-r1", elder_mode=elder)
    world.R1.save()
    sign_in(phone, live_server, world.R1.user)
    phone.goto("/cases/report/")


def test_the_elder_mode_reports_one_step_at_a_time(phone, live_server, world, catalogue):
    _resident(phone, live_server, world, elder=True)
    send = phone.get_by_role("button", name="提交")
    assert phone.get_by_text("第 1 步，共 3 步").is_visible()
    assert phone.get_by_label("问题描述").is_visible()
    assert not phone.get_by_label("在我家").is_visible() and not send.is_visible()
    phone.get_by_label("问题描述").fill("那个东西又不行了，麻烦看看")  # triage cannot tell
    phone.shot("elder-steps-1-what")

    phone.get_by_role("button", name="下一步").click()
    assert phone.get_by_text("第 2 步，共 3 步").is_visible()
    assert phone.get_by_label("在我家").is_visible()
    assert not phone.get_by_label("问题描述").is_visible()
    phone.get_by_role("button", name="下一步").click()
    assert phone.get_by_label("联系电话").is_visible() and send.is_visible()
    phone.shot("elder-steps-2-check")
    send.click()

    # Refused: the form comes back at the step that says what is missing, the words kept.
    phone.get_by_text("无法从描述判断问题类别").wait_for()
    assert phone.get_by_label("问题类别").is_visible()
    assert not phone.get_by_label("问题描述").is_visible()
    assert Case.objects.count() == 0
    phone.get_by_label("问题类别").select_option("RB19")
    phone.get_by_role("button", name="提交").click()
    phone.get_by_text("诉求编号").first.wait_for()
    assert Case.objects.get().description == "那个东西又不行了，麻烦看看"


def test_the_usual_mode_keeps_the_report_on_one_page(phone, live_server, world, catalogue):
    _resident(phone, live_server, world, elder=False)
    assert phone.get_by_label("问题描述").is_visible() and phone.get_by_label("在我家").is_visible()
    assert phone.get_by_role("button", name="提交").is_visible()
    assert not phone.get_by_role("button", name="下一步").is_visible()
