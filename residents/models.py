from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
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
    """An audit row for each time a staff member reveals a resident's personal data."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    resident = models.ForeignKey(
        Resident, verbose_name=_("resident"), on_delete=models.CASCADE, related_name="accesses"
    )
    ip = models.CharField(_("IP address"), max_length=45, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.actor} → {self.resident} @ {self.at:%Y-%m-%d %H:%M}"
