"""A technician's day on a phone, in a real browser: signed in, the jobs are the home; one tap
calls the resident; the job is resolved with a photo from the camera, and leaves the list."""

import pytest
from django.utils import timezone
from PIL import Image

from cases import services
from cases.models import Action, Case
from core.testing import PASSWORD, photos_chosen

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_technician_calls_the_resident_and_resolves_the_job_on_a_phone(
    phone, world, report, tmp_path
):
    case = report(now=timezone.now(), text="楼道灯坏了，晚上一片黑")
    services.case_accept(case=case, actor=world.manager)
    services.case_assign(case=case, actor=world.manager, assignee=world.technician)
    other = report(now=timezone.now(), text="电梯按键没反应")  # the company's, not assigned
    shot = tmp_path / "after.jpg"
    Image.new("RGB", (800, 600), "white").save(shot, "JPEG")

    phone.goto("/accounts/login/")
    phone.get_by_label("用户名").fill(world.technician.username)
    phone.get_by_label("密码").fill(PASSWORD)
    phone.get_by_role("button", name="登录").click()
    phone.get_by_role("heading", name="我的工单").wait_for()
    job = phone.locator(f'[data-job="{case.tracking_no}"]')
    assert phone.locator("[data-job]").count() == 1  # not the company's inbox
    assert other.tracking_no not in phone.content()
    mobile = world.R1.mobile
    assert (
        job.locator("[data-field=contact_mobile]").inner_text() == f"{mobile[:3]}****{mobile[-4:]}"
    )
    phone.shot("jobs-1-today")

    with phone.expect_response(f"**/cases/{case.pk}/call/") as called:
        job.get_by_role("button", name="拨打电话").click()
    assert called.value.headers["hx-redirect"] == f"tel:{world.R1.mobile}"
    assert Case.objects.get(pk=case.pk).first_response_at is not None

    # The dialler takes over (headless chromium holds the page behind its "open tel:" prompt);
    # back in the browser, the technician opens the job again.
    page = phone.context.new_page()
    page.goto("/cases/jobs/")
    page.locator(f'[data-job="{case.tracking_no}"]').get_by_role(
        "link", name="打开：上传照片、办结"
    ).click()
    resolve = page.locator("form[data-action=resolve]")
    page.locator("details:has(form[data-action=resolve]) > summary").click()
    resolve.get_by_label("办理结果").fill("已更换灯泡")
    resolve.get_by_label("拍照").set_input_files(str(shot))
    photos_chosen(resolve.locator("input[name=photos][multiple]"), 1)
    resolve.get_by_role("button", name="办结").click()
    page.locator('[data-status="resolved"]').wait_for()

    resolved = Case.objects.get(pk=case.pk)
    assert resolved.events.get(action=Action.RESOLVE).photos.count() == 1
    page.goto("/cases/jobs/")
    page.locator("[data-no-jobs]").wait_for()
