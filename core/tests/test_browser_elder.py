"""The elder mode (长辈模式) on a phone: offered on the first visit, one press turns it on, large
type and big targets, and it follows the person to another phone once they are signed in."""

import pytest

from core.testing import sign_in
from orgs.models import User

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _px(page, selector, prop):
    return float(
        page.locator(selector).first.evaluate(f"e => getComputedStyle(e).{prop}").removesuffix("px")
    )


def test_the_elder_mode_is_offered_turned_on_and_remembered_for_the_person(
    phone, browser, live_server, world, catalogue
):
    user = User.objects.create(username="resident-r1")
    world.R1.user = user
    world.R1.save()
    phone.goto("/")
    offer = phone.locator("[data-elder-offer]")
    assert offer.is_visible()  # first visit: asked once
    assert _px(phone, "body", "fontSize") == 16

    sign_in(phone, live_server, user)
    phone.goto("/cases/report/")
    phone.locator("[data-elder-offer]").get_by_role("button", name="开启长辈模式").click()
    phone.locator("html.hgj-elder").wait_for(state="attached")
    phone.shot("elder-1-report")
    assert phone.url.endswith("/cases/report/")  # back where they were
    assert not phone.locator("[data-elder-offer]").is_visible()
    assert _px(phone, "body", "fontSize") >= 20
    assert _px(phone, ".form-text", "fontSize") >= 18
    assert phone.get_by_role("button", name="下一步").bounding_box()["height"] >= 44  # one step
    user.refresh_from_db()
    assert user.elder_mode is True

    # Another phone: the choice comes with the person.
    other = browser.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url)
    page = other.new_page()
    sign_in(page, live_server, user)
    page.goto("/")
    assert page.locator("html.hgj-elder").count() == 1
    page.locator("[data-phone-bar]").get_by_role("button", name="大字").click()
    page.locator("html:not(.hgj-elder)").wait_for(state="attached")
    other.close()
    user.refresh_from_db()
    assert user.elder_mode is False
