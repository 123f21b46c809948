from django import forms
from django.utils.translation import gettext_lazy as _

from residents.models import Tag, mobile_validator


class MobileForm(forms.Form):
    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=11,
        validators=[mobile_validator],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )


class CodeForm(MobileForm):
    code = forms.RegexField(
        label=_("Code"),
        regex=r"^\d{6}$",
        max_length=6,
        error_messages={"invalid": _("The code has 6 digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the community and property company process my personal data "
            "to handle my requests."
        ),
        error_messages={"required": _("Please agree to the personal data rules to continue.")},
    )


class ResidentFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or full mobile number"), required=False, max_length=50)
    tag = forms.ModelChoiceField(
        label=_("Tag"),
        queryset=Tag.objects.all(),
        required=False,
        to_field_name="code",
        empty_label=_("All tags"),
    )
