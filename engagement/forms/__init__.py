"""Engagement's forms, a module per room (`activities`, `signups`, `programmes`,
`deliberation`, `visits`; `fields` holds the date-and-time input they share). Every public name
is here, so callers import from `engagement.forms`."""

from engagement.forms.activities import (
    ActivityCancelForm,
    ActivityEditForm,
    ActivityForm,
    CalendarFilterForm,
    FiguresForm,
    VenueForm,
)
from engagement.forms.deliberation import (
    ActionForm,
    ActionProgressForm,
    DecisionForm,
    MeetingForm,
    MobilesField,
    RecordForm,
    TopicForm,
)
from engagement.forms.fields import DATETIME_FORMATS
from engagement.forms.programmes import (
    FollowUpForm,
    GuardianEnrolForm,
    ProgrammeForm,
    StaffEnrolForm,
)
from engagement.forms.signups import CheckInCodeForm, HoursReportForm, ProfileForm, SignupForm
from engagement.forms.visits import VisitCaseForm, VisitForm, VisitPlanForm

__all__ = [
    "DATETIME_FORMATS",
    "ActionForm",
    "ActionProgressForm",
    "ActivityCancelForm",
    "ActivityEditForm",
    "ActivityForm",
    "CalendarFilterForm",
    "CheckInCodeForm",
    "DecisionForm",
    "FiguresForm",
    "FollowUpForm",
    "GuardianEnrolForm",
    "HoursReportForm",
    "MeetingForm",
    "MobilesField",
    "ProfileForm",
    "ProgrammeForm",
    "RecordForm",
    "SignupForm",
    "StaffEnrolForm",
    "TopicForm",
    "VenueForm",
    "VisitCaseForm",
    "VisitForm",
    "VisitPlanForm",
]
