"""Deliberation: a topic, its meeting and record, the decision and the actions."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledForm
from engagement.forms.fields import datetime_field
from engagement.models import Decision, Venue
from orgs.models import OrgUnit
from residents.models import mobile_validator


class TopicForm(StyledForm):
    title = forms.CharField(label=_("Topic"), max_length=100)
    description = forms.CharField(
        label=_("What should be discussed, and why"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    community = forms.ModelChoiceField(label=_("Community"), queryset=OrgUnit.objects.none())

    def __init__(self, *args, communities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if communities is not None:
            self.fields["community"].queryset = communities
            if len(communities) == 1:
                self.fields["community"].initial = communities[0].pk


class MeetingForm(StyledForm):
    starts_at = datetime_field(_("Time"))
    venue = forms.ModelChoiceField(label=_("Venue"), queryset=Venue.objects.none())
    agenda = forms.CharField(
        label=_("Agenda"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, venues=None, **kwargs):
        super().__init__(*args, **kwargs)
        if venues is not None:
            self.fields["venue"].queryset = venues


class MobilesField(forms.CharField):
    """Mobile numbers, one per line (commas and spaces also separate)."""

    widget = forms.Textarea(attrs={"rows": 3, "inputmode": "numeric"})

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [m for m in re.split(r"[\s,，;；]+", text) if m]

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        bad = [m for m in value if not mobile_validator.regex.fullmatch(m)]
        if bad:
            raise forms.ValidationError(
                _("Not mobile numbers: %(values)s") % {"values": ", ".join(bad[:5])}
            )

    def run_validators(self, value):
        return  # the max_length of the text is checked before splitting, in clean()

    def clean(self, value):
        if value and len(value) > 5000:
            raise forms.ValidationError(_("Too many numbers."))
        return super().clean(value)


class RecordForm(StyledForm):
    attendee_mobiles = MobilesField(
        label=_("Residents who signed in (mobile numbers, one per line)"), required=False
    )
    other_attendees = forms.CharField(
        label=_("Other attendees (one per line)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    minutes = forms.CharField(
        label=_("Minutes"), max_length=20000, widget=forms.Textarea(attrs={"rows": 6})
    )


class DecisionForm(StyledForm):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Details"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ActionForm(StyledForm):
    title = forms.CharField(label=_("What will be done"), max_length=200)
    owner = forms.CharField(label=_("Responsible"), max_length=100)
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    tracking_no = forms.CharField(
        label=_("Case tracking number (optional)"), max_length=24, required=False
    )


class ActionProgressForm(StyledForm):
    progress = forms.CharField(
        label=_("Progress"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    tracking_no = forms.CharField(
        label=_("Case tracking number (optional)"), max_length=24, required=False
    )
    done = forms.BooleanField(label=_("Done"), required=False)
