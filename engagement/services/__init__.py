"""Every write of engagement: keyword-only, atomic, validated before saving.

Places are counted by conditional UPDATEs on `Activity.taken` (and `volunteers_taken`):
`UPDATE … SET taken = taken + 1 WHERE id = … AND taken < capacity` changes exactly one row
for exactly one of two people racing for the last place, on SQLite and PostgreSQL alike, so
the loser goes to the waitlist. States (sign-ups, topics, actions, visits) move the same way:
an UPDATE conditioned on the state the caller saw, which must change one row.

Access rules are stated once in `engagement.selectors` (module docstring) and enforced here.
"""

from engagement.services.activities import (
    activity_cancel,
    activity_create,
    activity_update,
    venue_create,
)
from engagement.services.attendance import (
    CHECK_IN_CLOSES,
    CHECK_IN_OPENS,
    hours_report,
    hours_review,
    signup_check_in,
    signup_check_in_by_code,
    signup_check_out,
    volunteer_profile_save,
)
from engagement.services.common import EngagementError
from engagement.services.deliberation import (
    TopicStateError,
    action_add,
    action_update,
    meeting_record,
    meeting_schedule,
    topic_decide,
    topic_propose,
    topic_support,
)
from engagement.services.programmes import (
    absence_follow_up,
    attendance_mark,
    enrol_by_guardian,
    enrol_by_staff,
    enrolment_withdraw,
    is_school_day,
    programme_create,
    session_check,
)
from engagement.services.reminders import reminders_send
from engagement.services.signups import (
    CODE_ALPHABET,
    normalise_code,
    signup_cancel,
    signup_create,
)
from engagement.services.visits import (
    finding_to_case,
    visit_log,
    visit_plan,
    visit_plan_drop,
    visit_to_case,
)

__all__ = [
    "absence_follow_up",
    "activity_cancel",
    "activity_update",
    "attendance_mark",
    "enrol_by_guardian",
    "finding_to_case",
    "enrol_by_staff",
    "enrolment_withdraw",
    "is_school_day",
    "programme_create",
    "reminders_send",
    "session_check",
    "CHECK_IN_CLOSES",
    "CHECK_IN_OPENS",
    "CODE_ALPHABET",
    "EngagementError",
    "TopicStateError",
    "action_add",
    "action_update",
    "activity_create",
    "hours_report",
    "hours_review",
    "meeting_record",
    "meeting_schedule",
    "normalise_code",
    "signup_cancel",
    "signup_check_in",
    "signup_check_in_by_code",
    "signup_check_out",
    "signup_create",
    "topic_decide",
    "topic_propose",
    "topic_support",
    "venue_create",
    "visit_log",
    "visit_plan",
    "visit_plan_drop",
    "visit_to_case",
    "volunteer_profile_save",
]
