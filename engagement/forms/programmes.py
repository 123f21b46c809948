"""The after-school programme: the term, enrolment with a guardian's consent, follow-ups."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import StyledForm
from engagement.models import Venue
from orgs.models import OrgUnit
from residents.forms import rules_link
from residents.models import Resident, mobile_validator


class ProgrammeForm(StyledForm):
    name = forms.CharField(
        label=pgettext_lazy("programme", "Name"),
        max_length=100,
        help_text=_("For example: 在城长 autumn term 2026"),
    )
    community = forms.ModelChoiceField(label=_("Community"), queryset=OrgUnit.objects.none())
    venue = forms.ModelChoiceField(label=_("Venue"), queryset=Venue.objects.none())
    term_start = forms.DateField(
        label=_("Term starts"), widget=forms.DateInput(attrs={"type": "date"})
    )
    term_end = forms.DateField(label=_("Term ends"), widget=forms.DateInput(attrs={"type": "date"}))
    session_time = forms.TimeField(
        label=_("Daily session at"),
        initial="16:30",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=1000)
    description = forms.CharField(
        label=_("Description"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, communities=None, venues=None, **kwargs):
        super().__init__(*args, **kwargs)
        if communities is not None:
            self.fields["community"].queryset = communities
        if venues is not None:
            self.fields["venue"].queryset = venues

    def clean(self):
        data = super().clean()
        start, end = data.get("term_start"), data.get("term_end")
        if start and end and end < start:
            self.add_error("term_end", _("The term must end after it starts."))
        return data


class StaffEnrolForm(StyledForm):
    guardian_mobile = forms.CharField(
        label=_("Guardian's mobile number"), max_length=11, validators=[mobile_validator]
    )
    child_name = forms.CharField(label=_("Child's name"), max_length=50)
    consent_form = forms.BooleanField(
        label=_("The guardian signed the consent form"),
        error_messages={"required": _("Collect the guardian's signed consent form first.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent_form"].help_text = rules_link()


class GuardianEnrolForm(StyledForm):
    child = forms.ModelChoiceField(label=_("Child"), queryset=Resident.objects.none())
    consent = forms.BooleanField(
        label=_(
            "As the child's guardian I consent to the enrolment and to daily attendance records."
        ),
        error_messages={"required": _("Please confirm that you consent as the child's guardian.")},
    )

    def __init__(self, *args, children=None, **kwargs):
        super().__init__(*args, **kwargs)
        if children is not None:
            self.fields["child"].queryset = children
        self.fields["consent"].help_text = rules_link()


class FollowUpForm(StyledForm):
    outcome = forms.CharField(
        label=_("What did you learn?"),
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. ill at home, guardian called")}),
    )
