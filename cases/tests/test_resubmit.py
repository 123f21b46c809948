"""Back and submit again: a report already received is shown, never filed twice."""

import re

import pytest

from cases.models import Case
from cases.tests.test_browser import _sign_in_resident, _sign_in_staff

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _submit_again_after_back(page, fill):
    """Go back to the form the browser restores, fill what it did not keep, submit again."""
    page.go_back()
    page.locator("form textarea").first.wait_for()
    fill(only_empty=True)
    # Choosing the place again asks triage, which warns of the case already filed there; wait
    # for it, so the button is where it will stay when it is pressed.
    page.locator("[data-duplicates]").wait_for()
    page.get_by_role("button", name=re.compile("^(提交|登记诉求|预约)$")).first.click()


def _filler(page, values):
    def fill(only_empty=False):
        for label, value in values:
            field = page.get_by_label(label, exact=True)
            if field.evaluate("e => e.tagName") == "SELECT":
                field.select_option(value)
            elif not only_empty or not field.input_value():
                field.fill(value)

    return fill


def test_resident_report_submitted_again_after_back_shows_the_first_case(phone, world, catalogue):
    _sign_in_resident(phone, world.R1.mobile)
    phone.goto("/cases/report/?item=RB06")
    fill = _filler(phone, [("问题描述", "三楼楼道堆满了纸箱"), ("在我家", str(world.H1.pk))])
    fill()
    phone.get_by_role("button", name="提交").click()
    phone.get_by_text("诉求编号").first.wait_for()
    first = re.search(r"FC\d{8}-\d{4}", phone.content()).group()

    _submit_again_after_back(phone, fill)

    # The form is sent by htmx: the page goes to the case once the answer is in (the number
    # is on the form page already, in the warning of a case filed there).
    phone.wait_for_url(f"**/cases/mine/{first}/")
    phone.get_by_text(first).first.wait_for()
    assert Case.objects.count() == 1


def test_staff_intake_submitted_again_after_back_shows_the_first_case(desktop, world, catalogue):
    _sign_in_staff(desktop, "shequ")
    desktop.goto("/cases/new/")
    fill = _filler(
        desktop,
        [
            ("反映什么问题？", "RB06"),
            ("问题描述", "居民来电：三楼楼道堆满了纸箱"),
            ("在居民家中", str(world.H1.pk)),
        ],
    )
    fill()
    desktop.get_by_role("button", name="登记诉求").click()
    desktop.locator("[data-status=submitted]").wait_for()
    first = Case.objects.get()

    _submit_again_after_back(desktop, fill)

    desktop.locator("[data-status=submitted]").wait_for()
    assert Case.objects.count() == 1
    assert desktop.url.endswith(f"/cases/{first.pk}/")


@pytest.mark.django_db
def test_only_the_same_content_by_the_same_person_soon_after_is_the_same_report(report, world):
    from datetime import timedelta

    from django.utils import timezone

    from cases.services import FORM_RESUBMIT_WINDOW

    now = timezone.now()
    first = report(now=now, resubmit_window=FORM_RESUBMIT_WINDOW)
    again = report(now=now + timedelta(minutes=5), resubmit_window=FORM_RESUBMIT_WINDOW)
    reworded = report(
        now=now + timedelta(minutes=6),
        text="楼道还是堆满杂物",
        resubmit_window=FORM_RESUBMIT_WINDOW,
    )
    next_day = report(now=now + timedelta(days=1), resubmit_window=FORM_RESUBMIT_WINDOW)
    by_api = report(now=now + timedelta(minutes=7))  # no window: a client with its own keys

    assert again.pk == first.pk
    assert len({first.pk, reworded.pk, next_day.pk, by_api.pk}) == 4
