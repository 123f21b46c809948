"""Refused actions on the staff case page, in a real browser: the message appears next to the
form that was used, the page is otherwise left as it was, and nothing changes."""

import pytest

from cases.models import Case, Status
from cases.services import case_accept, case_submit
from catalog.models import Item
from core.testing import sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _case(world):
    return case_submit(
        item=Item.objects.get(code="RB01"),
        description="楼道堆满杂物，影响通行",
        channel="phone",
        created_by=world.grid_worker,
        resident=world.R1,
        estate=world.E1,
        building=world.B1,
    )


def _actions(case):
    return list(case.events.order_by("id").values_list("action", flat=True))


def test_stale_accept_by_a_second_user_shows_what_changed_and_reloads(
    desktop, phone, live_server, world, catalogue
):
    case = _case(world)
    sign_in(desktop, live_server, world.manager)
    sign_in(phone, live_server, world.property_staff)
    for page in (desktop, phone):
        page.goto(f"/cases/{case.pk}/")
        page.locator('[data-status="submitted"]').wait_for()

    desktop.locator("form[data-action=accept] button[type=submit]").click()
    desktop.locator('[data-status="accepted"]').wait_for()
    phone.locator("form[data-action=accept] button[type=submit]").click()

    refusal = phone.locator("form[data-action=accept] + .hgj-refusal")
    refusal.wait_for()
    assert refusal.get_by_text("该内容已被他人修改，请刷新后重试。").is_visible()
    assert (
        refusal.locator('[data-change="accept"]')
        .inner_text()
        .endswith("· Wuye_Jingli · 已受理（签收）")
    )
    # htmx focuses the fragment's autofocus once the swap settles, a moment after it appears
    phone.wait_for_function("document.activeElement.classList.contains('hgj-refusal')")
    assert phone.locator('[data-status="submitted"]').is_visible()  # the page as it was
    phone.shot("refusal-1-stale-accept")
    refusal.get_by_role("link", name="重新载入此诉求").click()
    phone.locator('[data-status="accepted"]').wait_for()
    assert phone.locator(".hgj-refusal").count() == 0
    assert _actions(case) == ["submit", "accept"]


def test_bad_photo_on_resolve_is_refused_next_to_the_form(desktop, live_server, world, catalogue):
    case = _case(world)
    case_accept(case=case, actor=world.manager)
    sign_in(desktop, live_server, world.manager)
    desktop.goto(f"/cases/{case.pk}/")
    desktop.locator("details:has(form[data-action=resolve]) summary").click()
    form = desktop.locator("form[data-action=resolve]")
    form.locator("textarea").fill("已更换水管")
    refusal = desktop.locator("form[data-action=resolve] + .hgj-refusal")

    fake = {"name": "fake.jpg", "mimeType": "image/jpeg", "buffer": b"not a picture at all"}
    form.locator("input[name=photos][multiple]").set_input_files(fake)
    form.locator("button[type=submit]").click()
    refusal.get_by_text("“fake.jpg”不是可识别的图片。").wait_for()

    # A picture the browser can draw is shrunk before it is sent (static/js/app.js); one it
    # cannot draw goes as it is, and the server's limit refuses it.
    big = {
        "name": "big.jpg",
        "mimeType": "image/jpeg",
        "buffer": b"\xff\xd8" + b"\0" * (10 * 2**20 + 1),
    }
    form.locator("input[name=photos][multiple]").set_input_files(big)
    form.locator("button[type=submit]").click()
    refusal.get_by_text("“big.jpg”超过 10 MB。").wait_for()
    desktop.shot("refusal-2-big-photo")

    assert refusal.count() == 1  # the second message replaced the first
    assert desktop.locator('[data-status="accepted"]').is_visible()
    assert Case.objects.get().status == Status.ACCEPTED
    assert _actions(case) == ["submit", "accept"]


def test_over_long_reply_is_refused_in_plain_chinese(desktop, live_server, world, catalogue):
    case = _case(world)
    sign_in(desktop, live_server, world.manager)
    desktop.goto(f"/cases/{case.pk}/")
    desktop.locator("details:has(form[data-action=reply]) summary").click()
    text = desktop.locator("form[data-action=reply] textarea")
    text.evaluate("el => el.removeAttribute('maxlength')")  # an old browser, or a paste
    text.fill("漏" * 2001)
    desktop.locator("form[data-action=reply] button[type=submit]").click()

    refusal = desktop.locator("form[data-action=reply] + .hgj-refusal")
    refusal.get_by_text("内容：最多 2000 字（现在 2001 字）。").wait_for()
    assert text.input_value() == "漏" * 2001  # what was typed is still there to shorten
    assert _actions(case) == ["submit"]
