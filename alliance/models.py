"""The Red Property alliance (红色物业 行业链党建联盟): partner organisations, their
agreements (签约) and the services they pledged.

A partner builds on what the org model already has: a property company in the alliance is the
`PropertyCompany` itself (its `is_alliance_member` flag is kept in step by the services); a
social organisation or red partner acts through staff accounts holding the `partner` role
(`orgs.roles.Role.PARTNER`) in the communities it serves. Venues and party-member identity
stay in `engagement`.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orgs.models import OrgUnit


class Partner(models.Model):
    class Kind(models.TextChoices):
        PROPERTY_COMPANY = "property_company", _("Property company in the alliance")
        SOCIAL_ORGANISATION = "social_organisation", _("Social organisation")
        RED_PARTNER = "red_partner", _("Red partner")

    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100, unique=True)
    company = models.OneToOneField(
        "orgs.PropertyCompany",
        verbose_name=_("property company"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="alliance_partner",
    )
    communities = models.ManyToManyField(
        OrgUnit,
        verbose_name=_("communities served"),
        related_name="alliance_partners",
        limit_choices_to={"kind": OrgUnit.Kind.COMMUNITY},
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff accounts"),
        blank=True,
        related_name="alliance_partners",
        help_text=_("People who act for the partner (accounts with the partner role)."),
    )
    party_branch = models.CharField(_("party branch"), max_length=100, blank=True)
    branch_secretary = models.CharField(_("branch secretary"), max_length=50, blank=True)
    party_members = models.PositiveIntegerField(_("party members"), default=0)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    description = models.TextField(_("what they do"), blank=True, max_length=2000)
    joined_on = models.DateField(_("joined the alliance on"))
    is_active = models.BooleanField(_("active member"), default=True)
    activities = models.ManyToManyField(
        "engagement.Activity",
        verbose_name=_("activities run"),
        blank=True,
        related_name="alliance_partners",
    )

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="property_company", company__isnull=False)
                | (~Q(kind="property_company") & Q(company__isnull=True)),
                name="partner_company_iff_property_company",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.kind == self.Kind.PROPERTY_COMPANY and not self.company_id:
            raise ValidationError({"company": _("Choose the property company.")})
        if self.kind != self.Kind.PROPERTY_COMPANY and self.company_id:
            raise ValidationError(
                {"company": _("Only a property-company partner is linked to a company.")}
            )


def agreement_path(instance, filename) -> str:
    return f"alliance/agreements/{instance.partner_id}/{instance.stored_name}"


class Agreement(models.Model):
    """A signed agreement (签约) between a community and a partner: term and commitments."""

    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="agreements"
    )
    community = models.ForeignKey(
        OrgUnit,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="alliance_agreements",
        limit_choices_to={"kind": OrgUnit.Kind.COMMUNITY},
    )
    title = models.CharField(_("Title"), max_length=100)
    other_parties = models.CharField(
        _("other parties"),
        max_length=200,
        blank=True,
        help_text=_("Besides the community and the partner, e.g. the subdistrict."),
    )
    signed_on = models.DateField(_("signed on"))
    starts_on = models.DateField(_("valid from"))
    ends_on = models.DateField(_("valid until"))
    commitments = models.TextField(_("commitments"), max_length=4000)
    file = models.FileField(_("file"), upload_to=agreement_path, blank=True, max_length=200)
    file_name = models.CharField(_("file name"), max_length=150, blank=True)
    file_type = models.CharField(_("file type"), max_length=100, blank=True)
    file_size = models.PositiveIntegerField(_("file size"), default=0)
    stored_name = models.CharField(max_length=80, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("entered at"))

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="agreement_term_order"
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The agreement must end after it starts.")})

    def in_force(self, day) -> bool:
        return self.starts_on <= day <= self.ends_on


class Pledge(models.Model):
    """A service a partner pledged to deliver, linked to an item of the service catalogue."""

    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="pledges"
    )
    item = models.ForeignKey(
        "catalog.Item",
        verbose_name=_("service"),
        on_delete=models.PROTECT,
        related_name="alliance_pledges",
    )
    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("under agreement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pledges",
    )
    commitment = models.CharField(
        _("commitment"), max_length=200, help_text=_("e.g. two free clinics a month")
    )
    times_per_year = models.PositiveIntegerField(
        _("times a year"), null=True, blank=True, help_text=_("Leave empty when not counted.")
    )
    created_at = models.DateTimeField(_("pledged at"))

    class Meta:
        verbose_name = _("pledged service")
        verbose_name_plural = _("pledged services")
        ordering = ["partner", "item__code"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "item"], name="pledge_once_per_item"),
        ]

    def __str__(self):
        return f"{self.partner} · {self.item}"
