from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from orgs.fields import PathField
from orgs.roles import COMPANY_ROLES, ORG_ROLE_KIND, Role

grid_code_validator = RegexValidator(r"^\d{15}$", _("An official grid code has 15 digits."))
credit_code_validator = RegexValidator(
    r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$",
    _("Enter a valid 18-character unified social credit code."),
)


class WeChatNotice(models.TextChoices):
    """The kinds of notice a resident may take by WeChat instead of SMS, each opted into on its
    own (WeChat lets an official account message a person only about what they subscribed to)."""

    CASE = "case", _("Progress of my reports")
    ACTIVITY = "activity", _("Activities I signed up for")


class User(AbstractUser):
    """Every person who signs in: staff with a password, residents with a one-time code."""

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    # The user's openid under the official account, for WeChat template messages.
    wechat_openid = models.CharField(_("WeChat openid"), max_length=64, blank=True)
    # The `WeChatNotice` kinds a resident takes by WeChat (the rest stay SMS); empty unless linked.
    wechat_notices = models.JSONField(_("WeChat notices"), default=list, blank=True)
    # Large type, strong contrast, big targets (适老化); None until the person has chosen.
    elder_mode = models.BooleanField(_("elder mode"), null=True, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.username


class OrgUnit(models.Model):
    """A node of the org tree: subdistrict > community > grid > microgrid.

    `path` is a materialized path ("0000001.0000004.") so a subtree is one index range scan.
    It is maintained by `orgs.services`, never by hand.
    """

    class Kind(models.TextChoices):
        SUBDISTRICT = "subdistrict", _("Subdistrict")
        COMMUNITY = "community", _("Community")
        GRID = "grid", _("Grid")
        MICROGRID = "microgrid", _("Micro-grid")

    PARENT_KIND = {
        Kind.SUBDISTRICT: None,
        Kind.COMMUNITY: Kind.SUBDISTRICT,
        Kind.GRID: Kind.COMMUNITY,
        Kind.MICROGRID: Kind.GRID,
    }

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    grid_code = models.CharField(
        _("official grid code"),
        max_length=15,
        null=True,
        blank=True,
        unique=True,
        validators=[grid_code_validator],
    )
    path = PathField(_("path"), max_length=255, unique=True, editable=False)
    abbr = models.CharField(
        _("abbreviation"),
        max_length=6,
        blank=True,
        help_text=_("Letters that start the tracking numbers of cases here, e.g. FC."),
    )
    sort = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        ordering = ["path"]

    def __str__(self):
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count(".") - 1

    def clean(self):
        expected = self.PARENT_KIND.get(self.kind)
        actual = self.parent.kind if self.parent_id else None
        if expected != actual:
            raise ValidationError(
                {
                    "parent": _("A %(kind)s must sit under a %(parent)s.")
                    % {
                        "kind": self.get_kind_display(),
                        "parent": self.Kind(expected).label if expected else _("nothing"),
                    }
                }
            )


class PropertyCompany(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        null=True,
        blank=True,
        unique=True,
        validators=[credit_code_validator],
    )
    service_phone = models.CharField(_("service phone"), max_length=20, blank=True)
    party_branch = models.CharField(_("party branch"), max_length=100, blank=True)
    is_alliance_member = models.BooleanField(_("alliance member"), default=False)
    technicians_see_unassigned = models.BooleanField(
        _("technicians see open cases nobody is assigned to"),
        default=False,
        help_text=_(
            "Otherwise a technician sees only the cases assigned to them, not the company's inbox."
        ),
    )

    class Meta:
        verbose_name = _("property company")
        verbose_name_plural = _("property companies")
        ordering = ["name"]

    def __str__(self):
        return self.short_name or self.name


class Estate(models.Model):
    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=16, unique=True)
    community = models.ForeignKey(
        OrgUnit,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="estates",
        limit_choices_to={"kind": OrgUnit.Kind.COMMUNITY},
    )
    company = models.ForeignKey(
        PropertyCompany,
        verbose_name=_("property company"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="estates",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("estate")
        verbose_name_plural = _("estates")
        ordering = ["community__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="estate_unique_name"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.community_id and self.community.kind != OrgUnit.Kind.COMMUNITY:
            raise ValidationError({"community": _("An estate belongs to a community.")})


class Building(models.Model):
    estate = models.ForeignKey(
        Estate, verbose_name=_("estate"), on_delete=models.PROTECT, related_name="buildings"
    )
    name = models.CharField(_("name"), max_length=50)
    microgrid = models.ForeignKey(
        OrgUnit,
        verbose_name=_("micro-grid"),
        on_delete=models.PROTECT,
        related_name="buildings",
        limit_choices_to={"kind": OrgUnit.Kind.MICROGRID},
    )
    floors = models.PositiveSmallIntegerField(_("floors"), default=6)

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["estate", "id"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "name"], name="building_unique_name"),
        ]

    def __str__(self):
        return f"{self.estate.name} {self.name}"

    def clean(self):
        if self.microgrid_id and self.microgrid.kind != OrgUnit.Kind.MICROGRID:
            raise ValidationError({"microgrid": _("A building belongs to a micro-grid.")})
        if (
            self.microgrid_id
            and self.estate_id
            and not self.microgrid.path.startswith(self.estate.community.path)
        ):
            raise ValidationError(
                {"microgrid": _("The micro-grid must be in the estate's community.")}
            )


class Unit(models.Model):
    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.PROTECT, related_name="units"
    )
    name = models.CharField(_("name"), max_length=20)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["building", "id"]
        constraints = [
            models.UniqueConstraint(fields=["building", "name"], name="unit_unique_name"),
        ]

    def __str__(self):
        return f"{self.building} {self.name}"


class Household(models.Model):
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="households"
    )
    number = models.CharField(_("number"), max_length=10)
    floor = models.SmallIntegerField(_("floor"), default=1)
    area = models.DecimalField(
        _("area (m²)"), max_digits=7, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["unit", "number"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "number"], name="household_unique_number"),
        ]

    def __str__(self):
        return f"{self.unit} {self.number}"


class StaffMembership(models.Model):
    """A user acting in a role within a scope: an org unit (and below) or a property company."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("org unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    company = models.ForeignKey(
        PropertyCompany,
        verbose_name=_("property company"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    title = models.CharField(_("title"), max_length=50, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(org_unit__isnull=False, company__isnull=True)
                    | models.Q(org_unit__isnull=True, company__isnull=False)
                ),
                name="membership_one_scope",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "org_unit", "company"], name="membership_unique"
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.org_unit or self.company}"

    def clean(self):
        if self.role in COMPANY_ROLES:
            if not self.company_id or self.org_unit_id:
                raise ValidationError(_("A property-company role needs a company and no org unit."))
        elif self.role in ORG_ROLE_KIND:
            if not self.org_unit_id or self.company_id:
                raise ValidationError(_("A community-side role needs an org unit and no company."))
            if self.org_unit.kind != ORG_ROLE_KIND[self.role]:
                raise ValidationError(
                    {
                        "org_unit": _("This role belongs to a %(kind)s.")
                        % {"kind": OrgUnit.Kind(ORG_ROLE_KIND[self.role]).label}
                    }
                )
