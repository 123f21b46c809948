"""A visit log sent half filled in, on a phone: each missing answer is named under its field in
plain Chinese, and no visit is recorded."""

from datetime import timedelta

import pytest
from django.utils import timezone

from care import services
from care.models import CareVisit
from core.testing import sign_in
from residents.models import Tag
from residents.services import ConsentGiven

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_half_filled_visit_is_refused_under_its_fields(phone, live_server, world):
    world.R1.tags.add(Tag.objects.get(code="elderly_alone"))
    recipient = services.recipient_enroll(
        actor=world.grid_worker,
        resident=world.R1,
        consent=ConsentGiven(),
        now=timezone.now() - timedelta(days=3),
    )
    sign_in(phone, live_server, world.grid_worker)
    phone.goto(f"/care/recipients/{recipient.pk}/visit/")

    phone.get_by_role("button", name="保存走访记录").click()

    for field in ("wellbeing", "findings"):
        block = phone.locator(f".mb-3:has([name={field}])")
        block.locator(".text-danger").get_by_text("此项必填。").wait_for()
    phone.shot("refusal-care-visit")
    assert CareVisit.objects.count() == 0
