"""An agreement saved without its commitments, then with a file that is not what it claims:
each problem is shown under its field, what was typed stays, and nothing is recorded."""

import pytest
from django.utils import timezone

from alliance import services
from alliance.models import Agreement, Partner
from core.testing import sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_agreement_with_a_fake_file_is_refused_under_its_fields(desktop, live_server, world):
    partner = services.partner_create(
        actor=world.secretary,
        kind=Partner.Kind.SOCIAL_ORGANISATION,
        name="爱无限",
        communities=[world.C1],
        joined_on=timezone.localdate(),
    )
    sign_in(desktop, live_server, world.secretary)
    desktop.goto(f"/alliance/partners/{partner.pk}/agreements/new/")
    desktop.locator("[name=title]").fill("共建协议")
    desktop.locator("[name=community]").select_option(str(world.C1.pk))
    desktop.locator("[name=signed_on]").fill("2026-01-05")
    desktop.locator("[name=starts_on]").fill("2026-01-10")
    desktop.locator("[name=ends_on]").fill("2026-12-31")
    save = desktop.get_by_role("button", name="保存协议")
    save.click()

    commitments = desktop.locator(".mb-3:has([name=commitments]) .text-danger")
    assert commitments.inner_text() == "此项必填。"
    assert desktop.locator("[name=title]").input_value() == "共建协议"  # what was typed stays

    desktop.locator("[name=commitments]").fill("每季度开展一次助老服务")
    desktop.locator("input[name=upload]").set_input_files(
        {"name": "协议.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00 not a pdf"}
    )
    save.click()
    upload = desktop.locator(".mb-3:has([name=upload]) .text-danger")
    upload.get_by_text("“协议.pdf”不是 PDF、图片（JPEG、PNG）或 Office 文档。").wait_for()
    desktop.shot("refusal-alliance-agreement")
    assert Agreement.objects.count() == 0
