"""Writes for residents: one-time-code sign-in, consents (the sign-in's and the separate
consents for sensitive data), tags, logged reveals of personal data, correction and deletion
requests, and the purge of old sign-in codes and text messages."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import DurationUnit
from catalog.selectors import deadline_compute
from core.errors import ApplicationError, Conflict, Forbidden, NotFound
from core.ratelimit import rate_limit_check
from orgs.models import StaffMembership, User
from orgs.roles import Permission
from orgs.selectors import scope_for
from residents import hooks, rules
from residents.models import (
    OneTimeCode,
    PersonalDataAccess,
    Purpose,
    Resident,
    RightsRequest,
    SeparateConsent,
    SmsMessage,
    Tag,
    mobile_validator,
)
from residents.selectors import consent_valid, residents_in_scope
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
        resident.consent_at, resident.consent_version = now, rules.CURRENT.version
        resident.save(update_fields=["consent_at", "consent_version"])
    if resident.user_id is None:
        user = User(username=f"resident-{resident.pk}", full_name=resident.name)
        user.set_unusable_password()
        user.save()
        resident.user = user
        resident.save(update_fields=["user"])
    return resident.user


# ---------------------------------------------------------------------------------------------
# Who saw what


RESIDENT_FIELDS = (
    PersonalDataAccess.Field.MOBILE,
    PersonalDataAccess.Field.ID_NUMBER,
    PersonalDataAccess.Field.HOUSEHOLD,
)


def personal_data_reveal(
    *,
    actor,
    resident: Resident | None,
    ip: str,
    fields=RESIDENT_FIELDS,
    context: str = PersonalDataAccess.Context.RESIDENT,
    context_id: int | None = None,
    context_label: str = "",
    now=None,
) -> PersonalDataAccess:
    """The one way to show unmasked personal data: refused to roles that do not need it, and
    recorded for the resident to read. The caller has checked that the record is in the
    actor's scope. `resident` is None for a case's contact who is not a registered resident
    (the row then keeps the case)."""
    if not scope_for(actor).has(Permission.REVEAL_PERSONAL_DATA):
        raise Forbidden()
    return personal_data_access_record(
        actor=actor,
        resident=resident,
        ip=ip,
        fields=fields,
        context=context,
        context_id=context_id if context_id is not None else getattr(resident, "pk", None),
        context_label=context_label,
        now=now,
    )


def personal_data_access_record(
    *, actor, resident, ip: str, fields, context: str, context_id=None, context_label="", now=None
) -> PersonalDataAccess:
    """Record that `actor` saw the fields (a reveal, or the opening of a health assessment by
    someone the care plan allows)."""
    memberships = StaffMembership.objects.filter(user=actor, is_active=True).select_related(
        "org_unit", "company"
    )
    org = "、".join(dict.fromkeys(str(m.org_unit or m.company) for m in memberships))
    return PersonalDataAccess.objects.create(
        actor=actor,
        actor_org=org[:200],
        resident=resident,
        context=context,
        context_id=context_id,
        context_label=context_label[:40],
        fields=[str(f) for f in fields],
        ip=ip[:45],
        at=now or timezone.now(),
    )


# ---------------------------------------------------------------------------------------------
# Separate consents (单独同意) and the tags that need them


class ConsentRequired(ApplicationError):
    code = "consent_required"
    status = 400


@dataclass(frozen=True)
class ConsentGiven:
    """What a form's separate-consent box says: who agreed (the person or a guardian)."""

    given_by: str = SeparateConsent.GivenBy.SELF
    guardian_name: str = ""


def _may_manage(actor, resident: Resident) -> None:
    """Staff who record consents and tags: the community side, for residents in scope."""
    if not scope_for(actor).has(Permission.MANAGE_RESIDENT_DATA):
        raise Forbidden(_("Your role may not record sensitive data."))
    if not residents_in_scope(user=actor).filter(pk=resident.pk).exists():
        raise NotFound()


def _is_own(actor, resident: Resident) -> bool:
    return actor is not None and resident.user_id is not None and resident.user_id == actor.pk


@transaction.atomic
def consent_give(
    *, resident: Resident, purpose: str, actor, given: ConsentGiven, now=None
) -> SeparateConsent:
    """Record a separate consent under the current rules, taken by a staff member (in person
    or on a signed form); a consent still valid for the purpose is kept as it is."""
    _may_manage(actor, resident)
    if purpose not in Purpose.values:
        raise ApplicationError(_("Choose what the consent is for."), code="invalid")
    guardian = (given.guardian_name or "").strip()
    if given.given_by not in SeparateConsent.GivenBy.values:
        raise ApplicationError(_("Say who gave the consent."), code="invalid")
    if given.given_by == SeparateConsent.GivenBy.GUARDIAN and not guardian:
        raise ApplicationError(_("Write the guardian's name."), code="invalid")
    Resident.objects.select_for_update().filter(pk=resident.pk).first()  # one at a time
    existing = consent_valid(resident=resident, purpose=purpose)
    if existing:
        return existing
    return SeparateConsent.objects.create(
        resident=resident,
        purpose=purpose,
        rules_version=rules.CURRENT.version,
        given_by=given.given_by,
        guardian_name=guardian[:50] if given.given_by == SeparateConsent.GivenBy.GUARDIAN else "",
        given_at=now or timezone.now(),
        recorded_by=actor,
    )


def consent_require(
    *, resident: Resident, purpose: str, actor, given: ConsentGiven | None, now=None
) -> SeparateConsent:
    """The valid consent for the purpose, recorded now if the form's box was ticked; refused
    without either. Called by every service that records sensitive data."""
    existing = consent_valid(resident=resident, purpose=purpose)
    if existing:
        return existing
    if given is None:
        raise ConsentRequired(
            _(
                "%(name)s has not given separate consent for this: %(purpose)s. Tick the box "
                "once they (or their guardian) have agreed."
            )
            % {"name": resident.name or resident.mobile, "purpose": Purpose(purpose).label}
        )
    return consent_give(resident=resident, purpose=purpose, actor=actor, given=given, now=now)


@transaction.atomic
def consent_withdraw(*, consent: SeparateConsent, actor, note: str = "", now=None):
    """Withdraw a separate consent: by the resident on their page, or by staff on their
    behalf with a note of how they asked. Processing for the purpose stops at once: the
    vulnerable-situation tags are taken off, care ends (`hooks.CONSENT_WITHDRAWN`)."""
    resident = consent.resident
    note = (note or "").strip()
    if not _is_own(actor, resident):
        _may_manage(actor, resident)
        if not note:
            raise ApplicationError(
                _("Write how the resident asked to withdraw (e.g. by phone on 3 December)."),
                code="invalid",
            )
    now = now or timezone.now()
    if not SeparateConsent.objects.filter(pk=consent.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=now, withdrawn_by=actor, withdrawal_note=note[:200]
    ):
        raise Conflict(_("This consent was already withdrawn."))
    consent.refresh_from_db()
    if consent.purpose == Purpose.VULNERABILITY:
        resident.tags.remove(*resident.tags.filter(is_sensitive=True))
    for hook in hooks.CONSENT_WITHDRAWN:
        hook(consent=consent, now=now)
    return consent


@transaction.atomic
def resident_tags_set(
    *, actor, resident: Resident, tags, consent: ConsentGiven | None = None, now=None
) -> list[Tag]:
    """Set the resident's tags; a sensitive one is added only with the separate consent for
    vulnerable situations (recorded in the same step when `consent` is given)."""
    _may_manage(actor, resident)
    tags = list(tags)
    current = set(resident.tags.values_list("pk", flat=True))
    if any(t.is_sensitive and t.pk not in current for t in tags):
        consent_require(
            resident=resident, purpose=Purpose.VULNERABILITY, actor=actor, given=consent, now=now
        )
    resident.tags.set(tags)
    return tags


# ---------------------------------------------------------------------------------------------
# Correction and deletion requests


def _rights_refuse(message) -> None:
    raise ApplicationError(message, code="invalid")


@transaction.atomic
def rights_request_submit(*, user, kind: str, text: str, now=None) -> RightsRequest:
    """A resident asks for a correction or a deletion; staff answer within the set working
    days on the one calendar."""
    resident = Resident.objects.filter(user=user).first() if user.is_authenticated else None
    if resident is None:
        raise NotFound()
    if kind not in RightsRequest.Kind.values:
        _rights_refuse(_("Choose a correction or a deletion."))
    text = (text or "").strip()
    if not text:
        _rights_refuse(_("Say what should be corrected or deleted."))
    if len(text) > 1000:
        _rights_refuse(_("At most 1000 characters."))
    rate_limit_check(key=f"rights-request:{resident.pk}", limit=10, window_seconds=86400)
    now = now or timezone.now()
    due = deadline_compute(
        start=now, amount=settings.RIGHTS_REQUEST_WORKING_DAYS, unit=DurationUnit.WORKING_DAYS
    )
    return RightsRequest.objects.create(
        resident=resident, kind=kind, text=text, submitted_at=now, due_at=due.at
    )


@transaction.atomic
def rights_request_answer(
    *, request: RightsRequest, actor, done: bool, answer: str, now=None
) -> RightsRequest:
    """Staff who may see the resident record what was done (or why not); the resident is
    told by text message and reads the answer on their page."""
    if not residents_in_scope(user=actor).filter(pk=request.resident_id).exists():
        raise NotFound()
    answer = (answer or "").strip()
    if not answer:
        _rights_refuse(_("Write what was done, or why it cannot be done."))
    if len(answer) > 1000:
        _rights_refuse(_("At most 1000 characters."))
    now = now or timezone.now()
    state = RightsRequest.State.DONE if done else RightsRequest.State.REFUSED
    if not RightsRequest.objects.filter(pk=request.pk, state=RightsRequest.State.OPEN).update(
        state=state, answered_at=now, answered_by=actor, answer=answer
    ):
        raise Conflict(_("This request was already answered."))
    request.refresh_from_db()
    mobile = request.resident.mobile
    body = _(
        "[Hongguanjia] Your request about your personal data has been answered. Sign in and "
        "open My personal data to read it."
    )
    transaction.on_commit(lambda: sms_send(mobile=mobile, body=body))
    return request


# ---------------------------------------------------------------------------------------------
# Retention


def messages_purge(*, now) -> int:
    """Sign-in codes a day after they were made, and the record of text messages after
    `MESSAGE_RETENTION_DAYS` (the worker's sweep; rerunning deletes nothing more)."""
    codes, _n = OneTimeCode.objects.filter(created_at__lt=now - timedelta(days=1)).delete()
    cutoff = now - timedelta(days=settings.MESSAGE_RETENTION_DAYS)
    texts, _n = SmsMessage.objects.filter(created_at__lt=cutoff).delete()
    return codes + texts
