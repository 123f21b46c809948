"""Residents' forms: signing up, checking in with a code, reporting hours, the profile."""

import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledForm
from residents.models import Resident


class SignupForm(StyledForm):
    resident = forms.ModelChoiceField(label=_("Who will come"), queryset=Resident.objects.none())
    as_volunteer = forms.BooleanField(label=_("I sign up as a volunteer"), required=False)

    def __init__(self, *args, members=None, volunteers_wanted=False, **kwargs):
        super().__init__(*args, **kwargs)
        if members is not None:
            self.fields["resident"].queryset = members
        if not volunteers_wanted:
            del self.fields["as_volunteer"]


class CheckInCodeForm(StyledForm):
    code = forms.CharField(
        label=_("Check-in code"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "placeholder": "ABC123"}
        ),
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split()).upper()
        if not re.fullmatch(r"[A-Z0-9]{6}", code):
            raise forms.ValidationError(_("A check-in code has 6 letters and digits."))
        return code


class HoursReportForm(StyledForm):
    hours = forms.DecimalField(
        label=_("Number of hours"),
        min_value=Decimal("0.5"),
        max_value=Decimal(24),
        decimal_places=1,
        max_digits=3,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )
    note = forms.CharField(label=_("What I did"), max_length=200, required=False)

    def clean_hours(self):
        hours = self.cleaned_data["hours"]
        if (hours * 2) % 1:
            raise forms.ValidationError(_("Report hours in half hours."))
        return hours


class ProfileForm(StyledForm):
    skills = forms.CharField(
        label=_("What I can help with"),
        max_length=200,
        required=False,
        help_text=_("For example: reading with children, repairs, first aid."),
    )
    show_party_identity = forms.BooleanField(
        label=_("Show me as a party member on the public volunteer roster (党员亮身份)"),
        required=False,
    )
