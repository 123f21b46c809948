"""Writes for residents: one-time-code sign-in, consent and logged reveals of personal data."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ApplicationError, Forbidden
from core.ratelimit import rate_limit_check
from orgs.models import User
from orgs.roles import Permission
from orgs.selectors import scope_for
from residents.models import OneTimeCode, PersonalDataAccess, Resident, mobile_validator
from residents.sms import sms_send


class CodeInvalid(ApplicationError):
    code = "code_invalid"


def _code_hash(mobile: str, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{mobile}:{code}".encode(), hashlib.sha256).hexdigest()


def _valid_mobile(mobile: str) -> str:
    mobile = (mobile or "").strip()
    try:
        mobile_validator(mobile)
    except ValidationError as exc:
        raise ApplicationError(exc.messages[0], code="mobile_invalid") from None
    return mobile


def otp_send(*, mobile: str, ip: str) -> None:
    """Send a fresh sign-in code. Answers the same whether or not the number is known."""
    mobile = _valid_mobile(mobile)
    rate_limit_check(
        key=f"otp-send-ip:{ip}", limit=settings.OTP_SENDS_PER_IP_PER_HOUR, window_seconds=3600
    )
    rate_limit_check(
        key=f"otp-send-interval:{mobile}",
        limit=1,
        window_seconds=settings.OTP_SEND_INTERVAL_SECONDS,
        message=_("A code was sent to this number just now. Please wait a minute."),
    )
    rate_limit_check(
        key=f"otp-send-number:{mobile}",
        limit=settings.OTP_SENDS_PER_NUMBER_PER_HOUR,
        window_seconds=3600,
        message=_("Too many codes for this number. Please try again in an hour."),
    )
    code = f"{secrets.randbelow(1_000_000):06d}"
    now = timezone.now()
    with transaction.atomic():
        # A new code replaces every earlier one for the number.
        OneTimeCode.objects.filter(mobile=mobile, used_at__isnull=True).update(used_at=now)
        OneTimeCode.objects.create(
            mobile=mobile,
            code_hash=_code_hash(mobile, code),
            created_at=now,
            expires_at=now + timedelta(seconds=settings.OTP_TTL_SECONDS),
        )
        minutes = settings.OTP_TTL_SECONDS // 60
        body = _(
            "[Hongguanjia] Your sign-in code is %(code)s, valid for %(minutes)s minutes. "
            "Never share it with anyone."
        ) % {"code": code, "minutes": minutes}
        transaction.on_commit(lambda: sms_send(mobile=mobile, body=body))


def otp_verify(*, mobile: str, code: str, ip: str, consent: bool) -> User:
    """Check a code and return the resident's user account, creating it on first sign-in."""
    mobile = _valid_mobile(mobile)
    rate_limit_check(
        key=f"otp-verify-ip:{ip}", limit=settings.OTP_VERIFY_PER_IP_PER_HOUR, window_seconds=3600
    )
    if not consent:
        raise ApplicationError(
            _("Please agree to the personal data rules to continue."), code="consent_required"
        )
    now = timezone.now()
    otp = (
        OneTimeCode.objects.filter(
            mobile=mobile,
            used_at__isnull=True,
            expires_at__gt=now,
            attempts__lt=settings.OTP_MAX_ATTEMPTS,
        )
        .order_by("-created_at")
        .first()
    )
    # Each try takes one of the code's attempts first, in one conditional UPDATE, so however
    # many guesses arrive at once no more than the limit are ever compared.
    if otp is None or not OneTimeCode.objects.filter(
        pk=otp.pk, used_at__isnull=True, attempts__lt=settings.OTP_MAX_ATTEMPTS
    ).update(attempts=F("attempts") + 1):
        raise CodeInvalid(_("The code has expired or was already used. Request a new one."))
    if not hmac.compare_digest(otp.code_hash, _code_hash(mobile, (code or "").strip())):
        raise CodeInvalid(_("The code is wrong."))
    # Single use: of two simultaneous verifications only one can claim the code.
    if not OneTimeCode.objects.filter(pk=otp.pk, used_at__isnull=True).update(used_at=now):
        raise CodeInvalid(_("The code has expired or was already used. Request a new one."))
    return _resident_user(mobile=mobile, now=now)


@transaction.atomic
def _resident_user(*, mobile: str, now) -> User:
    resident, _created = Resident.objects.select_for_update().get_or_create(mobile=mobile)
    if resident.consent_at is None:
        resident.consent_at = now
        resident.save(update_fields=["consent_at"])
    if resident.user_id is None:
        user = User(username=f"resident-{resident.pk}", full_name=resident.name)
        user.set_unusable_password()
        user.save()
        resident.user = user
        resident.save(update_fields=["user"])
    return resident.user


def personal_data_reveal(*, actor, resident: Resident, ip: str) -> Resident:
    """Record that `actor` looked at the resident's unmasked personal data."""
    if not scope_for(actor).has(Permission.REVEAL_PERSONAL_DATA):
        raise Forbidden()
    PersonalDataAccess.objects.create(actor=actor, resident=resident, ip=ip)
    return resident
