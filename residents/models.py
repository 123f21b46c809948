from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orgs.models import Household

mobile_validator = RegexValidator(
    r"^1[3-9]\d{9}$", _("Enter a valid mainland China mobile number (11 digits starting with 1).")
)

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def id_number_check_digit(first17: str) -> str:
    return ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def validate_id_number(value: str) -> None:
    """A second-generation resident identity card number, checksum included."""
    if not (len(value) == 18 and value[:17].isdigit() and value[17] in "0123456789X"):
        raise ValidationError(_("An ID number has 17 digits and a final digit or X."))
    if id_number_check_digit(value[:17]) != value[17]:
        raise ValidationError(_("This ID number's check digit is wrong."))


class Tag(models.Model):
    """A label that matters for services: elderly living alone, party member, volunteer, …"""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=30)
    # A vulnerable situation (living alone, disability, low income, a child): sensitive data
    # under PIPL Art. 28, recorded only with the person's separate consent.
    is_sensitive = models.BooleanField(
        _("sensitive (needs separate consent)"),
        default=False,
        help_text=_("Only recorded with the separate consent of the person or their guardian."),
    )

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["id"]

    def __str__(self):
        return self.name


class Resident(models.Model):
    class Gender(models.TextChoices):
        FEMALE = "f", _("Female")
        MALE = "m", _("Male")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resident",
    )
    name = models.CharField(_("name"), max_length=50, blank=True)
    mobile = models.CharField(
        _("mobile"), max_length=11, unique=True, validators=[mobile_validator]
    )
    id_number = models.CharField(
        _("ID number"),
        max_length=18,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_id_number],
    )
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="residents")
    consent_at = models.DateTimeField(_("consented to data processing at"), null=True, blank=True)
    consent_version = models.CharField(
        _("version of the rules agreed to"), max_length=20, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["id"]

    def __str__(self):
        return self.name or self.mobile


class HouseholdTie(models.Model):
    class Relation(models.TextChoices):
        OWNER = "owner", _("Owner")
        TENANT = "tenant", _("Tenant")
        FAMILY = "family", _("Family member")

    resident = models.ForeignKey(
        Resident, verbose_name=_("resident"), on_delete=models.CASCADE, related_name="ties"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="ties"
    )
    relation = models.CharField(_("relation"), max_length=10, choices=Relation.choices)

    class Meta:
        verbose_name = _("household tie")
        verbose_name_plural = _("household ties")
        constraints = [
            models.UniqueConstraint(fields=["resident", "household"], name="tie_unique"),
        ]

    def __str__(self):
        return f"{self.resident} · {self.household} · {self.get_relation_display()}"


class OneTimeCode(models.Model):
    """A sign-in code sent to a mobile number. Only a keyed hash of the code is stored."""

    mobile = models.CharField(_("mobile"), max_length=11, db_index=True)
    code_hash = models.CharField(_("code hash"), max_length=64)
    created_at = models.DateTimeField(_("created at"), db_index=True)
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.mobile} @ {self.created_at:%Y-%m-%d %H:%M}"


class SmsMessage(models.Model):
    """Every text message the platform sends, as recorded by the default (outbox) backend."""

    mobile = models.CharField(_("mobile"), max_length=11, db_index=True)
    body = models.TextField(_("body"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("text message")
        verbose_name_plural = _("text messages")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.mobile}: {self.body[:30]}"


class PersonalDataAccess(models.Model):
    """One row for each time someone sees a resident's unmasked personal data (a reveal), or
    opens their health assessment; the resident reads these on their own page."""

    class Context(models.TextChoices):
        RESIDENT = "resident", _("Resident directory")
        CASE = "case", _("Case")
        CARE = "care", _("Care record")

    class Field(models.TextChoices):
        MOBILE = "mobile", _("mobile number")
        ID_NUMBER = "id_number", _("ID number")
        HOUSEHOLD = "household", _("door number")
        ASSESSMENT = "assessment", _("health assessment")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Where the staff member worked when they looked (memberships change later).
    actor_org = models.CharField(_("unit or company"), max_length=200, blank=True)
    # None for a case's contact who is not a registered resident: the case says whose it was.
    resident = models.ForeignKey(
        Resident,
        verbose_name=_("resident"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="accesses",
    )
    context = models.CharField(
        _("where"), max_length=16, choices=Context.choices, default=Context.RESIDENT
    )
    context_id = models.PositiveBigIntegerField(_("record id"), null=True, blank=True)
    context_label = models.CharField(_("record"), max_length=40, blank=True)
    fields = models.JSONField(_("what was seen"), default=list)
    ip = models.CharField(_("IP address"), max_length=45, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["resident", "-at"], name="access_of_resident")]

    def __str__(self):
        return f"{self.actor} → {self.resident or self.context_label} @ {self.at:%Y-%m-%d %H:%M}"

    def field_labels(self) -> list[str]:
        return [str(self.Field(f).label) for f in self.fields if f in self.Field.values]


class Purpose(models.TextChoices):
    """What a separate consent (单独同意) allows: each purpose is asked for on its own."""

    CARE = "care", _("Care services: health and living assessments and visit records")
    VULNERABILITY = (
        "vulnerability",
        _("Vulnerable situation tags: living alone, disability, low income, children"),
    )


class SeparateConsent(models.Model):
    """A ledger row of a separate consent to process sensitive data for one purpose (PIPL
    Art. 29). Never changed but to record its withdrawal, so the history stays readable."""

    class GivenBy(models.TextChoices):
        SELF = "self", _("The person themselves")
        GUARDIAN = "guardian", _("A guardian")

    resident = models.ForeignKey(
        Resident, verbose_name=_("resident"), on_delete=models.CASCADE, related_name="consents"
    )
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    rules_version = models.CharField(_("version of the rules"), max_length=20)
    given_by = models.CharField(_("given by"), max_length=10, choices=GivenBy.choices)
    guardian_name = models.CharField(_("guardian"), max_length=50, blank=True)
    given_at = models.DateTimeField(_("given at"))
    # None when the resident gave it online themselves.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawal_note = models.CharField(_("withdrawal note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("separate consent")
        verbose_name_plural = _("separate consents")
        ordering = ["-given_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "purpose"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="consent_one_valid_per_purpose",
            ),
        ]

    def __str__(self):
        return f"{self.resident} · {self.get_purpose_display()} @ {self.given_at:%Y-%m-%d}"


class RightsRequest(models.Model):
    """A resident's request to correct or delete their data, answered by staff by a deadline
    (PIPL Art. 46–47), with what was done."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Correct my data")
        DELETION = "deletion", _("Delete my data")

    class State(models.TextChoices):
        OPEN = "open", _("Being handled")
        DONE = "done", _("Done")
        REFUSED = "refused", _("Not done")

    resident = models.ForeignKey(
        Resident,
        verbose_name=_("resident"),
        on_delete=models.CASCADE,
        related_name="rights_requests",
    )
    kind = models.CharField(_("request"), max_length=12, choices=Kind.choices)
    text = models.TextField(_("what to correct or delete"), max_length=1000)
    submitted_at = models.DateTimeField(_("submitted at"))
    due_at = models.DateTimeField(_("answer by"))
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.OPEN)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answer = models.TextField(_("what was done"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("correction or deletion request")
        verbose_name_plural = _("correction and deletion requests")
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["state", "due_at"], name="rights_request_due")]

    def __str__(self):
        return f"{self.resident} · {self.get_kind_display()} @ {self.submitted_at:%Y-%m-%d}"
