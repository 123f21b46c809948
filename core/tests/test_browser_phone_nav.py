"""On a phone the notices and the language switch are on the bar, outside the menu, and the
resident's menu books a service and lists their bookings."""

import pytest

from core.testing import sign_in
from orgs.models import User

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_resident_on_a_phone_reaches_notices_language_and_bookings(
    phone, live_server, world, catalogue
):
    world.R1.user = User.objects.create(username="resident-r1")
    world.R1.save()
    sign_in(phone, live_server, world.R1.user)
    phone.goto("/")

    bar = phone.locator("[data-phone-bar]")
    assert bar.get_by_role("link", name="通知").is_visible()  # the menu is still closed
    assert not phone.locator("#nav").is_visible()
    phone.shot("phone-nav-1-bar")

    phone.get_by_role("button", name="菜单").click()
    phone.locator("#nav.show").wait_for()  # opened, not still sliding open
    phone.locator("#nav").get_by_role("link", name="我的预约").click()
    phone.get_by_role("heading", name="我的预约").wait_for()

    bar.get_by_role("button", name="EN").click()
    phone.get_by_role("heading", name="My bookings").wait_for()
    assert phone.locator("[data-phone-bar]").get_by_role("button", name="中文").is_visible()
