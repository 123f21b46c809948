import re
from datetime import timedelta

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from core.errors import ApplicationError, Forbidden, RateLimited
from residents import services
from residents.models import OneTimeCode, PersonalDataAccess, Resident, SmsMessage

pytestmark = pytest.mark.django_db

MOBILE = "13905320001"


def _last_code(mobile=MOBILE) -> str:
    body = SmsMessage.objects.filter(mobile=mobile).latest("created_at").body
    return re.search(r"\d{6}", body).group()


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    def _do(mobile=MOBILE, ip="10.0.0.1"):
        with django_capture_on_commit_callbacks(execute=True):
            services.otp_send(mobile=mobile, ip=ip)
        return _last_code(mobile)

    return _do


def test_otp_send_records_a_six_digit_code_and_stores_only_its_hash(send):
    code = send()

    otp = OneTimeCode.objects.get(mobile=MOBILE)
    assert len(code) == 6
    assert code not in otp.code_hash
    assert SmsMessage.objects.filter(mobile=MOBILE).count() == 1


def test_otp_send_codes_are_not_fixed(send):
    codes = {send(mobile=f"1390532{n:04d}") for n in range(12)}

    assert len(codes) > 1


def test_otp_send_refuses_malformed_number():
    with pytest.raises(ApplicationError) as excinfo:
        services.otp_send(mobile="12345", ip="10.0.0.1")

    assert excinfo.value.code == "mobile_invalid"
    assert OneTimeCode.objects.count() == 0


def test_otp_verify_signs_in_a_new_resident_and_records_consent(send):
    code = send()

    user = services.otp_verify(mobile=MOBILE, code=code, ip="10.0.0.1", consent=True)

    resident = Resident.objects.get(mobile=MOBILE)
    assert resident.user == user
    assert resident.consent_at is not None
    assert user.has_usable_password() is False


def test_otp_verify_links_an_existing_resident(world, send):
    code = send(mobile=world.R1.mobile)

    user = services.otp_verify(mobile=world.R1.mobile, code=code, ip="10.0.0.1", consent=True)

    world.R1.refresh_from_db()
    assert world.R1.user == user
    assert Resident.objects.count() == 3


def test_otp_verify_wrong_code_is_refused_and_counted(send):
    code = send()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    with pytest.raises(services.CodeInvalid):
        services.otp_verify(mobile=MOBILE, code=wrong, ip="10.0.0.1", consent=True)

    assert OneTimeCode.objects.get().attempts == 1
    assert Resident.objects.count() == 0


def test_otp_verify_code_is_burnt_after_too_many_wrong_attempts(send):
    code = send()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        with pytest.raises(services.CodeInvalid):
            services.otp_verify(mobile=MOBILE, code=wrong, ip="10.0.0.1", consent=True)

    with pytest.raises(services.CodeInvalid):
        services.otp_verify(mobile=MOBILE, code=code, ip="10.0.0.1", consent=True)


def test_otp_verify_expired_code_is_refused(send):
    code = send()

    later = timezone.now() + timedelta(seconds=301)
    with time_machine.travel(later), pytest.raises(services.CodeInvalid):
        services.otp_verify(mobile=MOBILE, code=code, ip="10.0.0.1", consent=True)


def test_otp_verify_code_works_until_it_expires(send):
    code = send()

    with time_machine.travel(timezone.now() + timedelta(seconds=290)):
        user = services.otp_verify(mobile=MOBILE, code=code, ip="10.0.0.1", consent=True)

    assert user.resident.mobile == MOBILE


def test_otp_verify_code_is_single_use(send):
    code = send()
    services.otp_verify(mobile=MOBILE, code=code, ip="10.0.0.1", consent=True)

    with pytest.raises(services.CodeInvalid):
        services.otp_verify(mobile=MOBILE, code=code, ip="10.0.0.1", consent=True)


def test_otp_send_a_new_code_replaces_the_old_one(send):
    first = send()
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        second = send()
        if first == second:
            pytest.skip("the two random codes happened to be equal")
        with pytest.raises(services.CodeInvalid):
            services.otp_verify(mobile=MOBILE, code=first, ip="10.0.0.1", consent=True)
        assert services.otp_verify(mobile=MOBILE, code=second, ip="10.0.0.1", consent=True)


def test_otp_verify_requires_consent(send):
    code = send()

    with pytest.raises(ApplicationError) as excinfo:
        services.otp_verify(mobile=MOBILE, code=code, ip="10.0.0.1", consent=False)

    assert excinfo.value.code == "consent_required"
    assert OneTimeCode.objects.get().used_at is None


def test_otp_send_twice_within_a_minute_is_rate_limited(send):
    send()

    with pytest.raises(RateLimited):
        services.otp_send(mobile=MOBILE, ip="10.0.0.2")

    assert OneTimeCode.objects.count() == 1


def test_otp_send_per_number_hourly_limit(send):
    start = timezone.now()
    for minute in range(5):
        with time_machine.travel(start + timedelta(minutes=minute * 2)):
            send()

    with time_machine.travel(start + timedelta(minutes=12)), pytest.raises(RateLimited):
        services.otp_send(mobile=MOBILE, ip="10.0.0.9")
    assert OneTimeCode.objects.count() == 5


@override_settings(OTP_SENDS_PER_IP_PER_HOUR=3)
def test_otp_send_per_ip_limit_spans_numbers(send):
    for n in range(3):
        send(mobile=f"1390532100{n}")

    with pytest.raises(RateLimited):
        services.otp_send(mobile="13905321009", ip="10.0.0.1")
    services.otp_send(mobile="13905321009", ip="10.0.0.2")


@override_settings(OTP_VERIFY_PER_IP_PER_HOUR=2)
def test_otp_verify_per_ip_limit(send):
    send()
    for _ in range(2):
        with pytest.raises(services.CodeInvalid):
            services.otp_verify(mobile=MOBILE, code="000000", ip="10.0.0.1", consent=True)

    with pytest.raises(RateLimited):
        services.otp_verify(mobile=MOBILE, code="000000", ip="10.0.0.1", consent=True)


def test_personal_data_reveal_is_logged(world):
    services.personal_data_reveal(actor=world.grid_worker, resident=world.R1, ip="10.1.1.1")

    access = PersonalDataAccess.objects.get()
    assert (access.actor, access.resident, access.ip) == (world.grid_worker, world.R1, "10.1.1.1")


def test_personal_data_reveal_refused_for_roles_without_the_need(world):
    for user in (world.subdistrict, world.property_staff, world.technician, world.partner):
        with pytest.raises(Forbidden):
            services.personal_data_reveal(actor=user, resident=world.R1, ip="10.1.1.1")

    assert PersonalDataAccess.objects.count() == 0
