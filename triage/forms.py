from django import forms

from core.forms import StyledForm


class SuggestForm(StyledForm):
    """What the report and intake forms send as the person types."""

    description = forms.CharField(max_length=2000, required=False)
    item = forms.CharField(max_length=16, required=False)
    household = forms.IntegerField(required=False)
    estate = forms.IntegerField(required=False)
    building = forms.IntegerField(required=False)
