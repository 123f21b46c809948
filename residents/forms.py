from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import StyledForm
from orgs.models import WeChatNotice
from residents import rules
from residents.models import Purpose, RightsRequest, SeparateConsent, Tag, mobile_validator
from residents.services import ConsentGiven


def rules_link() -> str:
    """A link to the rules in force, for every place that asks for consent."""
    return format_html(
        '<a href="{}" target="_blank" rel="noopener">{}</a>',
        reverse("privacy_rules"),
        gettext("Personal data rules (version %(version)s)") % {"version": rules.CURRENT.version},
    )


class MobileForm(forms.Form):
    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=11,
        validators=[mobile_validator],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )


class WeChatNoticesForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("Notices to receive in WeChat (the others come by SMS)"),
        choices=WeChatNotice.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        required=False,
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].help_text = rules_link()


class ResidentFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or full mobile number"), required=False, max_length=50)
    tag = forms.ModelChoiceField(
        label=_("Tag"),
        queryset=Tag.objects.all(),
        required=False,
        to_field_name="code",
        empty_label=_("All tags"),
    )

    def __init__(self, *args, tags=None, **kwargs):
        super().__init__(*args, **kwargs)
        if tags is not None:
            self.fields["tag"].queryset = tags


class SeparateConsentForm(StyledForm):
    """The separate-consent box (单独同意) of a form that records sensitive data: ticked once the
    person, or their guardian, has agreed to this purpose on its own. `ask_consent=False`
    drops it when a valid consent is on record already."""

    consent_purpose: str = ""

    separate_consent = forms.BooleanField(required=False)
    consent_given_by = forms.ChoiceField(
        label=_("Who agreed"),
        choices=SeparateConsent.GivenBy.choices,
        initial=SeparateConsent.GivenBy.SELF,
        required=False,
        widget=forms.RadioSelect,
    )
    consent_guardian = forms.CharField(
        label=_("Guardian's name (if a guardian agreed)"), max_length=50, required=False
    )

    def __init__(self, *args, ask_consent=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not ask_consent:
            for name in ("separate_consent", "consent_given_by", "consent_guardian"):
                del self.fields[name]
            return
        if self.consent_purpose:
            self.fields["separate_consent"].label = gettext(
                "Separate consent: the person (or their guardian) has read the personal data "
                "rules and agrees on its own to this: %(purpose)s"
            ) % {"purpose": Purpose(self.consent_purpose).label}
        self.fields["separate_consent"].help_text = rules_link()

    def clean(self):
        data = super().clean()
        if (
            data.get("separate_consent")
            and data.get("consent_given_by") == SeparateConsent.GivenBy.GUARDIAN
            and not (data.get("consent_guardian") or "").strip()
        ):
            self.add_error("consent_guardian", _("Write the guardian's name."))
        return data

    def consent_given(self) -> ConsentGiven | None:
        if not self.cleaned_data.get("separate_consent"):
            return None
        return ConsentGiven(
            given_by=self.cleaned_data.get("consent_given_by") or SeparateConsent.GivenBy.SELF,
            guardian_name=self.cleaned_data.get("consent_guardian") or "",
        )


class TagsForm(SeparateConsentForm):
    consent_purpose = Purpose.VULNERABILITY

    tags = forms.ModelMultipleChoiceField(
        label=_("Tags"),
        queryset=Tag.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tags marked * need the separate consent below."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tags"].label_from_instance = lambda t: (
            f"{t.name}*" if t.is_sensitive else t.name
        )
        self.order_fields(["tags"])


class ConsentRecordForm(SeparateConsentForm):
    """Staff record a separate consent given in person or on a signed form."""

    purpose = forms.ChoiceField(label=_("For"), choices=Purpose.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["separate_consent"].label = _(
            "The person (or their guardian) has read the personal data rules and agrees on its "
            "own to this purpose"
        )
        self.fields["separate_consent"].required = True
        self.order_fields(["purpose"])


class ConsentWithdrawForm(StyledForm):
    note = forms.CharField(
        label=_("How the resident asked"),
        max_length=200,
        required=False,
        help_text=_("Needed when you withdraw on the resident's behalf."),
    )


class RightsRequestForm(StyledForm):
    kind = forms.ChoiceField(
        label=_("I would like to"), choices=RightsRequest.Kind.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("What should be corrected or deleted, and why"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RightsAnswerForm(StyledForm):
    done = forms.TypedChoiceField(
        label=_("Outcome"),
        choices=[("1", _("Done")), ("0", _("Not done (say why)"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label=_("What was done, for the resident to read"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
