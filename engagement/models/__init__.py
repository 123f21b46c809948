"""Engagement (居民参与): venues, activities with sign-ups and volunteer hours, resident
deliberation (居民议事), door-knock visits (支部敲门) and programmes with daily attendance
(在城长), a module each.

Nothing here changes except through `engagement.services`; counters (`Activity.taken`,
`Activity.volunteers_taken`) and states move only by conditional UPDATEs there.
"""

from engagement.models.activities import Activity, ActivitySeries, Signup, Venue, VolunteerProfile
from engagement.models.deliberation import (
    TOPIC_TRANSITIONS,
    Decision,
    FollowUpAction,
    Meeting,
    Topic,
    TopicStatus,
    TopicSupport,
)
from engagement.models.programmes import Attendance, Enrolment, Programme
from engagement.models.visits import PlannedVisit, Visit

__all__ = [
    "Venue",
    "Activity",
    "ActivitySeries",
    "Signup",
    "VolunteerProfile",
    "TopicStatus",
    "Decision",
    "Topic",
    "TopicSupport",
    "Meeting",
    "FollowUpAction",
    "TOPIC_TRANSITIONS",
    "Visit",
    "PlannedVisit",
    "Programme",
    "Enrolment",
    "Attendance",
]
