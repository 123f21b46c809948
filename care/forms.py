from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from care.models import CareRecipient, CareVisit, RiskLevel
from care.questionnaire import DIMENSIONS, QUESTIONS
from core.forms import StyledForm, content_key, idempotency_key_field
from engagement.forms import VisitCaseForm  # noqa: F401  (re-exported)
from engagement.forms.fields import datetime_field
from residents.forms import SeparateConsentForm
from residents.models import Purpose, Resident


class RecipientFilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=50)
    risk = forms.ChoiceField(
        label=_("Risk level"),
        required=False,
        choices=[("", _("All risk levels")), *RiskLevel.choices],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["class"] = "form-control form-control-sm"
        self.fields["risk"].widget.attrs["class"] = "form-select form-select-sm"


class EnrollForm(SeparateConsentForm):
    consent_purpose = Purpose.CARE

    resident = forms.ModelChoiceField(label=_("Resident"), queryset=Resident.objects.none())

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        if candidates is not None:
            self.fields["resident"].queryset = candidates
        self.order_fields(["resident"])


class LeaveForm(StyledForm):
    reason = forms.ChoiceField(label=_("Why"), choices=CareRecipient.LeaveReason.choices[:3])


class AssessmentForm(SeparateConsentForm):
    """One radio group per question, grouped by dimension in the template; the separate
    consent box below them when no consent to care is on record."""

    consent_purpose = Purpose.CARE

    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = {}
        for q in QUESTIONS:
            fields[q.code] = forms.TypedChoiceField(
                label=q.text,
                choices=[(i, label) for i, label in enumerate(q.choices)],
                coerce=int,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                error_messages={"required": _("Please answer this question.")},
            )
            fields[q.code].dimension = q.dimension
        fields["notes"] = self.fields.pop("notes")
        self.fields = fields | self.fields  # the consent box, if asked for, after the notes

    def dimensions(self):
        """(dimension label, bound fields) in questionnaire order."""
        return [
            (label, [self[q.code] for q in QUESTIONS if q.dimension == code])
            for code, label in DIMENSIONS.items()
        ]

    def answers(self) -> dict:
        return {q.code: self.cleaned_data[q.code] for q in QUESTIONS}


class PlanForm(StyledForm):
    visit_every_days = forms.IntegerField(
        label=_("Visit every (days)"),
        min_value=1,
        max_value=90,
        help_text=_("Set from the risk level by each assessment: high 7, medium 14, low 30."),
    )
    needs = forms.CharField(
        label=_("Needs"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    responsible = forms.ModelChoiceField(
        label=_("Responsible grid worker"), required=False, queryset=None
    )
    volunteers = forms.ModelMultipleChoiceField(
        label=_("Volunteers"),
        required=False,
        queryset=Resident.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    partner = forms.ModelChoiceField(label=_("Partner organisation"), required=False, queryset=None)

    def __init__(self, *args, staff, volunteers, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = staff
        self.fields["volunteers"].queryset = volunteers
        self.fields["partner"].queryset = partners


class CareVisitForm(StyledForm):
    visited_at = datetime_field(_("Visited at"))
    kind = forms.ChoiceField(
        label=_("How"), choices=CareVisit.Kind.choices, widget=forms.RadioSelect
    )
    wellbeing = forms.ChoiceField(
        label=_("How they are"), choices=CareVisit.Wellbeing.choices, widget=forms.RadioSelect
    )
    visitors = forms.CharField(label=_("Who visited"), max_length=200)
    findings = forms.CharField(
        label=_("Findings"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    follow_up = forms.CharField(
        label=_("Follow-up"),
        required=False,
        max_length=500,
        help_text=_("What happens next, e.g. call the daughter, fix the handrail."),
    )

    # Not required: a page from before the key (or a script) still logs its visit.
    idempotency_key = idempotency_key_field(required=False)

    def clean_visited_at(self):
        visited = self.cleaned_data["visited_at"]
        if visited > timezone.now() + timedelta(minutes=5):
            raise forms.ValidationError(_("A visit cannot be in the future."))
        return visited

    def clean(self):
        data = super().clean()
        data["idempotency_key"] = content_key(data, "visited_at", "wellbeing", "findings")
        return data
