"""Reads of engagement, always through the user's scope.

Who may do what (the one statement of the rules; services enforce the same functions):

- Anyone, signed in or not, sees the public calendar, an activity's page, its .ics and the
  roster of party members who chose to show their identity.
- A resident (a user with a `Resident` record) signs up themselves or a member of a household
  they belong to, and sees and cancels only sign-ups they made or that are for them. They see
  and support the deliberation topics of the communities they live in.
- A staff member's engagement area is the org units of their scope (`scope.org_units()`): an
  activity, venue or topic belongs to a community and is theirs when that community is in it.
  Anything outside looks missing (404).
  - Any staff member in the area may check people in and out (community staff, secretaries,
    partner organisations who deliver activities, subdistrict staff).
  - Managing (venues, activities, meetings, decisions, follow-up actions, approving volunteer
    hours) needs the back-office permission `Permission.ROUTE_CASES` (community staff,
    secretaries, subdistrict staff; administrators have everything).
  - Door-knock visits belong to households: staff with `Permission.HANDLE_CASES` log and see
    visits to the households of their scope (`scope.households()`), and turn them into cases;
    they plan visits there for themselves or the community side's staff of their area.
"""

from core.periods import Period
from engagement.selectors.access import (
    can_manage,
    can_visit,
    household_members,
    resident_communities,
    staff_area,
    staff_communities,
)
from engagement.selectors.activities import (
    activities_for_staff,
    activity_get_for_staff,
    activity_get_public,
    minutes_as_hours,
    notices_for,
    party_roster,
    resident_signups,
    roster,
    signup_get_for_resident,
    signup_get_for_staff,
    signups_for_activity,
    upcoming_activities,
    venues_for,
    waitlist_position,
)
from engagement.selectors.deliberation import (
    Trace,
    action_get_to_manage,
    topic_get_for,
    topic_get_to_manage,
    topic_list_for,
    topic_trace,
    topics_for,
)
from engagement.selectors.figures import Figures, engagement_figures
from engagement.selectors.programmes import (
    ChildTerm,
    TermSummary,
    attendance_get_for_staff,
    attendance_on,
    attendance_sheet,
    enrolment_get_for,
    enrolment_get_for_staff,
    enrolments_active,
    guardian_enrolments,
    open_follow_ups,
    programme_get_for,
    programme_get_for_staff,
    programmes_for,
    term_summary,
)
from engagement.selectors.visits import (
    plan_get_for,
    plans_due_for,
    plans_for,
    visit_get_for,
    visitors_for,
    visits_for,
)

__all__ = [
    "can_manage",
    "can_visit",
    "staff_area",
    "staff_communities",
    "resident_communities",
    "household_members",
    "venues_for",
    "upcoming_activities",
    "activity_get_public",
    "activities_for_staff",
    "activity_get_for_staff",
    "roster",
    "signup_get_for_staff",
    "resident_signups",
    "signups_for_activity",
    "signup_get_for_resident",
    "waitlist_position",
    "notices_for",
    "party_roster",
    "minutes_as_hours",
    "topics_for",
    "topic_list_for",
    "topic_get_for",
    "topic_get_to_manage",
    "action_get_to_manage",
    "Trace",
    "topic_trace",
    "visits_for",
    "visitors_for",
    "plans_for",
    "plans_due_for",
    "plan_get_for",
    "visit_get_for",
    "Figures",
    "engagement_figures",
    "programmes_for",
    "attendance_on",
    "enrolment_get_for",
    "programme_get_for",
    "programme_get_for_staff",
    "enrolments_active",
    "guardian_enrolments",
    "enrolment_get_for_staff",
    "attendance_get_for_staff",
    "attendance_sheet",
    "open_follow_ups",
    "ChildTerm",
    "TermSummary",
    "term_summary",
    "Period",
]
