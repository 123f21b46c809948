"""The date-and-time input of engagement's forms (a browser's datetime-local); care's forms read
the same formats."""

from django import forms

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


def datetime_field(label, **kwargs):
    return forms.DateTimeField(
        label=label,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMATS[0]),
        input_formats=DATETIME_FORMATS,
        **kwargs,
    )
