"""Retention: a closed case loses its personal data `CASE_RETENTION_DAYS` after closing (the
worker's sweep); that no figure changes when it does is in test_retention_demo."""

import io
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from cases import services, worker
from cases.models import Case, CaseEvent, CasePhoto, Notification, OutboxMessage
from core.testing import T0
from residents.models import OneTimeCode, SmsMessage
from residents.redaction import HIDDEN, known_names_forget

pytestmark = pytest.mark.django_db
DAY = timedelta(days=1)
WORDS = "我母亲一个人住在1号楼1单元101，八十多岁了，电话13905320001，门口堆满杂物"


def _photo():
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, format="JPEG")
    return SimpleUploadedFile("door.jpg", out.getvalue())


@pytest.fixture
def closed(world, report):
    """R1 reported with a photo from their household; it was answered, rated and closed a
    day later, at T0 + 1 day."""
    known_names_forget()
    case = report(text=WORDS, household=world.H1, photos=[_photo()], location_text="1单元101门口")
    services.case_accept(case=case, actor=world.manager, now=T0 + timedelta(minutes=10))
    services.case_reply(case=case, actor=world.manager, text="居民1您好，已清理", now=T0)
    services.case_resolve(case=case, actor=world.manager, note="已清理", now=T0 + DAY / 2)
    services.case_rate(
        case=case,
        user=world.resident_user,
        rating="satisfied",
        comment="王阿姨说谢谢",
        now=T0 + DAY,
    )
    case.refresh_from_db()
    assert case.status == "closed"
    return case


def test_a_closed_case_keeps_its_personal_data_until_the_period_is_over(closed):
    assert worker.anonymise_due(now=T0 + DAY + timedelta(days=3 * 365) - timedelta(minutes=1)) == 0

    closed.refresh_from_db()
    assert (closed.contact_mobile, closed.description) == ("13905320001", WORDS)


def test_after_three_years_the_personal_data_is_gone(
    closed, world, django_capture_on_commit_callbacks
):
    photo = CasePhoto.objects.get(case=closed).image.name
    assert default_storage.exists(photo)
    later = T0 + DAY + timedelta(days=3 * 365, minutes=1)

    with django_capture_on_commit_callbacks(execute=True):
        assert worker.anonymise_due(now=later) == 1

    case = Case.objects.get(pk=closed.pk)
    assert (case.contact_name, case.contact_mobile, case.resident, case.household) == (
        "",
        "",
        None,
        None,
    )
    assert (case.created_by, case.idempotency_key, case.anonymised_at) == (None, "", later)
    assert (
        case.description
        == f"{HIDDEN}{HIDDEN}在1号楼{HIDDEN}，{HIDDEN}了，电话{HIDDEN}，门口堆满杂物"
    )
    assert (case.location_text, case.rating_comment) == (f"{HIDDEN}门口", f"{HIDDEN}说谢谢")
    assert (case.building, case.estate, case.rating, case.status) == (
        world.B1,
        world.E1,
        "satisfied",
        "closed",
    )
    notes = list(CaseEvent.objects.filter(case=case).values_list("action", "note", "actor"))
    assert ("reply", f"{HIDDEN}您好，已清理", world.manager.pk) in notes
    assert ("rate", f"{HIDDEN}说谢谢", None) in notes  # the resident no longer named
    assert notes[-1] == ("anonymise", "", None)
    assert not CasePhoto.objects.filter(case=case).exists()
    assert not default_storage.exists(photo)
    assert not Notification.objects.filter(case=case, user=world.resident_user).exists()
    assert world.resident_user.pk not in CaseEvent.objects.filter(case=case).values_list(
        "actor", flat=True
    )
    assert worker.anonymise_due(now=later + DAY) == 0  # safe to rerun


def test_open_and_resolved_cases_keep_their_data(world, report):
    open_case = report(text=WORDS)
    resolved = report(text="楼道灯坏了", code="RB19")
    services.case_accept(case=resolved, actor=world.manager, now=T0)
    services.case_resolve(case=resolved, actor=world.manager, note="修好了", now=T0)

    assert worker.anonymise_due(now=T0 + timedelta(days=4000)) == 0

    assert Case.objects.filter(contact_mobile="13905320001").count() == 2
    assert {open_case.pk, resolved.pk} == set(Case.objects.values_list("pk", flat=True))


@override_settings(CASE_RETENTION_DAYS=30)
def test_the_period_is_a_setting(closed):
    assert worker.anonymise_due(now=T0 + DAY + timedelta(days=29)) == 0
    assert worker.anonymise_due(now=T0 + DAY + timedelta(days=30, minutes=1)) == 1


def test_the_worker_runs_the_retention_sweeps(closed):
    counts = worker.run_once(now=T0 + timedelta(days=4 * 365))

    assert (counts["anonymised"], counts["care_anonymised"], counts["failed_sweeps"]) == (1, 0, 0)
    assert Case.objects.get().anonymised_at is not None


def test_old_messages_and_sign_in_codes_are_purged(world, report):
    report()  # an SMS to the resident on intake, and staff notices, in the outbox
    OutboxMessage.objects.update(state="sent", created_at=T0)
    delivered = OutboxMessage.objects.count()
    pending = OutboxMessage.objects.create(
        channel="sms", recipient="13905320001", body="x", created_at=T0, next_attempt_at=T0
    )
    code = OneTimeCode.objects.create(
        mobile="13905320001", code_hash="x", created_at=T0, expires_at=T0 + timedelta(minutes=5)
    )
    SmsMessage.objects.create(mobile="13905320001", body="验证码")
    SmsMessage.objects.update(created_at=T0)

    assert worker.purge_messages(now=T0 + timedelta(hours=23)) == 0
    purged = worker.purge_messages(now=T0 + timedelta(days=181))

    assert delivered > 0 and purged == delivered + 2  # the messages, the code, the text
    assert list(OutboxMessage.objects.values_list("pk", flat=True)) == [pending.pk]
    assert not OneTimeCode.objects.filter(pk=code.pk).exists()
    assert SmsMessage.objects.count() == 0
