import re
from datetime import timedelta
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from catalog.models import Domain, Item
from core.forms import StyledForm
from orgs.models import Building, Household, OrgUnit
from residents.forms import rules_link
from residents.models import Resident, mobile_validator

from .models import Decision, Venue

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


def _datetime_field(label, **kwargs):
    return forms.DateTimeField(
        label=label,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMATS[0]),
        input_formats=DATETIME_FORMATS,
        **kwargs,
    )


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


# ---------------------------------------------------------------------------------------------
# Staff: venues and activities


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
    starts_at = _datetime_field(_("Starts at"))
    ends_at = _datetime_field(_("Ends at"))
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
    starts_at = _datetime_field(_("Starts at"))
    ends_at = _datetime_field(_("Ends at"))
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


# ---------------------------------------------------------------------------------------------
# Programmes


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


# ---------------------------------------------------------------------------------------------
# Residents: sign-up, hours, profile


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


# ---------------------------------------------------------------------------------------------
# Deliberation


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
    starts_at = _datetime_field(_("Time"))
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


# ---------------------------------------------------------------------------------------------
# Door-knock visits


class VisitForm(StyledForm):
    """Where: a building of the area, then the unit and door number as written on the door."""

    building = forms.ModelChoiceField(label=_("Building"), queryset=Building.objects.none())
    unit = forms.CharField(label=_("unit"), max_length=20, help_text=_("For example: 1 or 1单元"))
    number = forms.CharField(label=_("Door number"), max_length=10)
    visited_at = _datetime_field(_("Visited at"))
    visitors = forms.CharField(
        label=_("Who visited"),
        max_length=200,
        help_text=_("Names of the branch members and staff who knocked."),
    )
    heard = forms.CharField(
        label=_("What we heard"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, buildings=None, households=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.households = households if households is not None else Household.objects.none()
        if buildings is not None:
            self.fields["building"].queryset = buildings

    def clean(self):
        data = super().clean()
        building, unit, number = data.get("building"), data.get("unit"), data.get("number")
        if building and unit and number:
            unit = unit.strip()
            unit_name = f"{unit}单元" if unit.isdigit() else unit
            household = self.households.filter(
                unit__building=building, unit__name=unit_name, number=number.strip()
            ).first()
            if household is None:
                raise forms.ValidationError(_("There is no such household in this building."))
            data["household"] = household
        visited = data.get("visited_at")
        if visited and visited > timezone.now() + timedelta(minutes=5):
            self.add_error("visited_at", _("A visit cannot be in the future."))
        return data


class VisitCaseForm(StyledForm):
    item = forms.ModelChoiceField(
        label=_("What is it about?"),
        queryset=Item.objects.filter(
            is_active=True, kind__in=[Item.Kind.APPEAL, Item.Kind.SERVICE]
        ).select_related("category"),
    )
    description = forms.CharField(
        label=_("What must be fixed, and where"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The property company and whoever handles the case read this: write only the "
            "problem and the place, e.g. the stair light on the 3rd floor of building 5 is out. "
            "Health, family and other personal details stay in the visit record: they go with "
            "the case as a note that only the community side can read."
        ),
    )


class FiguresForm(forms.Form):
    month = forms.RegexField(
        label=_("Month"),
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        required=False,
        error_messages={"invalid": _("Choose a month.")},
        widget=forms.DateInput(attrs={"type": "month", "class": "form-control form-control-sm"}),
    )
