from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from alliance.models import Agreement, Partner
from alliance.uploads import ACCEPTED_EXTENSIONS, MAX_BYTES
from catalog.models import Item
from core.forms import StyledForm
from engagement.models import Activity
from orgs.models import OrgUnit, PropertyCompany, User
from orgs.roles import Role

DATE_WIDGET = {"type": "date"}


class PartnerForm(StyledForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Partner.Kind.choices)
    name = forms.CharField(
        label=pgettext_lazy("organisation", "Name"),
        max_length=100,
        required=False,
        help_text=_("Left empty for a property company: its own name is used."),
    )
    company = forms.ModelChoiceField(
        label=_("Property company"), required=False, queryset=PropertyCompany.objects.none()
    )
    communities = forms.ModelMultipleChoiceField(
        label=_("Communities served"),
        queryset=OrgUnit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    members = forms.ModelMultipleChoiceField(
        label=_("Staff accounts"),
        required=False,
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Accounts with the partner role that act for this organisation."),
    )
    joined_on = forms.DateField(
        label=_("Joined the alliance on"), widget=forms.DateInput(DATE_WIDGET)
    )
    party_branch = forms.CharField(label=_("Party branch"), max_length=100, required=False)
    branch_secretary = forms.CharField(label=_("Branch secretary"), max_length=50, required=False)
    party_members = forms.IntegerField(
        label=_("Party members"), min_value=0, max_value=100000, initial=0
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)
    description = forms.CharField(
        label=_("What they do"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["communities"].queryset = communities
        self.fields["company"].queryset = PropertyCompany.objects.filter(
            alliance_partner__isnull=True
        ).order_by("name")
        self.fields["members"].queryset = (
            User.objects.filter(
                memberships__role=Role.PARTNER,
                memberships__is_active=True,
                memberships__org_unit__in=communities,
            )
            .distinct()
            .order_by("username")
        )

    def clean(self):
        data = super().clean()
        kind, company = data.get("kind"), data.get("company")
        if kind == Partner.Kind.PROPERTY_COMPANY and not company:
            self.add_error("company", _("Choose the property company."))
        elif kind and kind != Partner.Kind.PROPERTY_COMPANY:
            if company:
                self.add_error(
                    "company", _("Only a property-company partner is linked to a company.")
                )
            if not (data.get("name") or "").strip():
                self.add_error("name", _("Please enter the name."))
        return data


class AgreementForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=100)
    community = forms.ModelChoiceField(label=_("Community"), queryset=OrgUnit.objects.none())
    other_parties = forms.CharField(
        label=_("Other parties"),
        max_length=200,
        required=False,
        help_text=Agreement._meta.get_field("other_parties").help_text,
    )
    signed_on = forms.DateField(label=_("Signed on"), widget=forms.DateInput(DATE_WIDGET))
    starts_on = forms.DateField(label=_("Valid from"), widget=forms.DateInput(DATE_WIDGET))
    ends_on = forms.DateField(label=_("Valid until"), widget=forms.DateInput(DATE_WIDGET))
    commitments = forms.CharField(
        label=_("Commitments"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    upload = forms.FileField(
        label=_("Signed file"),
        required=False,
        help_text=_("PDF, JPEG, PNG or Office document, at most %(max)d MB.")
        % {"max": MAX_BYTES // (1024 * 1024)},
        widget=forms.FileInput(attrs={"accept": ",".join(f".{e}" for e in ACCEPTED_EXTENSIONS)}),
    )

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities

    def clean(self):
        data = super().clean()
        starts, ends, signed = data.get("starts_on"), data.get("ends_on"), data.get("signed_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The agreement must end after it starts."))
        if signed and starts and signed > starts:
            self.add_error("signed_on", _("An agreement is signed before its term starts."))
        return data


class PledgeForm(StyledForm):
    item = forms.ModelChoiceField(
        label=_("Service"),
        queryset=Item.objects.filter(is_active=True)
        .select_related("service_list")
        .order_by("code"),
    )
    commitment = forms.CharField(
        label=_("Commitment"), max_length=200, help_text=_("e.g. two free clinics a month")
    )
    times_per_year = forms.IntegerField(
        label=_("Times a year"), required=False, min_value=1, max_value=100000
    )
    agreement = forms.ModelChoiceField(
        label=_("Under agreement"), required=False, queryset=Agreement.objects.none()
    )

    def __init__(self, *args, partner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = partner.agreements.all()
        self.fields["item"].label_from_instance = lambda i: f"{i.code} {i.label}"


class ActivityLinkForm(StyledForm):
    activity = forms.ModelChoiceField(label=_("Activity"), queryset=Activity.objects.none())

    def __init__(self, *args, partner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = (
            Activity.objects.filter(venue__community__in=partner.communities.all())
            .exclude(alliance_partners=partner)
            .order_by("-starts_at")
        )
        self.fields["activity"].label_from_instance = lambda a: (
            f"{timezone.localtime(a.starts_at):%Y-%m-%d} {a.title}"
        )


class YearForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, required=False)
