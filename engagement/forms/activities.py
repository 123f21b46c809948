"""Staff forms for venues and activities, and the filters of the calendar and the figures."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Domain
from core.forms import StyledForm
from engagement.forms.fields import datetime_field
from engagement.models import Venue
from orgs.models import OrgUnit


class CalendarFilterForm(forms.Form):
    community = forms.ModelChoiceField(
        label=_("Community"),
        queryset=OrgUnit.objects.filter(kind=OrgUnit.Kind.COMMUNITY, venues__isnull=False)
        .distinct()
        .order_by("path"),
        required=False,
        empty_label=_("All communities"),
    )
    domain = forms.ModelChoiceField(
        label=_("Domain"),
        queryset=Domain.objects.all(),
        required=False,
        to_field_name="code",
        empty_label=_("All domains"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"


class VenueForm(StyledForm):
    name = forms.CharField(label=_("Venue name"), max_length=50)
    community = forms.ModelChoiceField(label=_("Community"), queryset=OrgUnit.objects.none())
    capacity = forms.IntegerField(label=_("Capacity (people)"), min_value=1, max_value=10000)
    opening_hours = forms.CharField(
        label=_("Opening hours"),
        max_length=100,
        required=False,
        help_text=_("For example: Mon–Fri 8:30–17:30"),
    )
    address = forms.CharField(label=_("Address"), max_length=200, required=False)

    def __init__(self, *args, communities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if communities is not None:
            self.fields["community"].queryset = communities


class ActivityForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=100)
    domain = forms.ModelChoiceField(label=_("Domain"), queryset=Domain.objects.all())
    venue = forms.ModelChoiceField(label=_("Venue"), queryset=Venue.objects.none())
    starts_at = datetime_field(_("Starts at"))
    ends_at = datetime_field(_("Ends at"))
    organiser = forms.CharField(
        label=_("Organiser"),
        max_length=100,
        help_text=_("As shown to residents, e.g. the community party committee and a partner."),
    )
    organiser_unit = forms.ModelChoiceField(
        label=_("Organising unit"), queryset=OrgUnit.objects.none()
    )
    audience = forms.CharField(label=_("Who it is for"), max_length=100, required=False)
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=10000)
    volunteer_capacity = forms.IntegerField(
        label=_("Volunteer places"), min_value=0, max_value=1000, initial=0
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    repeat_days = forms.IntegerField(
        label=_("Repeat on the following days"),
        min_value=0,
        max_value=60,
        initial=0,
        help_text=_("0 for a single session; 4 for a week of weekday sessions."),
    )
    weekdays_only = forms.BooleanField(label=_("Weekdays only"), required=False)
    weekly_weeks = forms.IntegerField(
        label=_("Or: every week for this many weeks"),
        min_value=0,
        max_value=26,
        initial=0,
        required=False,
        help_text=_("Same weekday and time each week; public holidays are skipped."),
    )

    def __init__(self, *args, venues=None, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if venues is not None:
            self.fields["venue"].queryset = venues
        if units is not None:
            self.fields["organiser_unit"].queryset = units

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end must be after the start."))
        if starts and starts <= timezone.now():
            self.add_error("starts_at", _("Choose a start in the future."))
        data["weekly_weeks"] = data.get("weekly_weeks") or 0
        return data


class ActivityEditForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=100)
    venue = forms.ModelChoiceField(label=_("Venue"), queryset=Venue.objects.none())
    starts_at = datetime_field(_("Starts at"))
    ends_at = datetime_field(_("Ends at"))
    organiser = forms.CharField(label=_("Organiser"), max_length=100)
    audience = forms.CharField(label=_("Who it is for"), max_length=100, required=False)
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=10000)
    volunteer_capacity = forms.IntegerField(
        label=_("Volunteer places"), min_value=0, max_value=1000
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    whole_series = forms.BooleanField(
        label=_("Apply to every coming session of the series"), required=False
    )

    def __init__(self, *args, venues=None, in_series=False, **kwargs):
        super().__init__(*args, **kwargs)
        if venues is not None:
            self.fields["venue"].queryset = venues
        if not in_series:
            del self.fields["whole_series"]

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end must be after the start."))
        return data


class ActivityCancelForm(StyledForm):
    reason = forms.CharField(
        label=_("Reason (sent to everyone signed up)"), max_length=200, required=False
    )


class FiguresForm(forms.Form):
    month = forms.RegexField(
        label=_("Month"),
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        required=False,
        error_messages={"invalid": _("Choose a month.")},
        widget=forms.DateInput(attrs={"type": "month", "class": "form-control form-control-sm"}),
    )
