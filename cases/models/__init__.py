"""Cases (诉求): one door for every problem, with an append-only timeline.

Nothing about a case changes except through `cases.services`, which appends a `CaseEvent`
(and notifications) in the same transaction.
"""

from cases.models.callbacks import CallbackRequest
from cases.models.case import Case
from cases.models.lifecycle import (
    DONE_STATUSES,
    INBOX_COLUMNS,
    LEVELS,
    NEIGHBOUR_ACTIONS,
    OPEN_STATUSES,
    PERMISSIONS,
    RESIDENT_ACTIONS,
    TRANSITIONS,
    Action,
    Channel,
    Party,
    Rating,
    RatingSource,
    RatingTag,
    ReturnReason,
    Status,
)
from cases.models.messages import Notification, OutboxMessage
from cases.models.neighbours import CaseNeighbour
from cases.models.tally import BAND_HOURS, BANDS, TALLY_KEY, Tally
from cases.models.timeline import CaseEvent, CasePhoto, Extension, Participant, TrackingCounter

__all__ = [
    "BAND_HOURS",
    "BANDS",
    "DONE_STATUSES",
    "INBOX_COLUMNS",
    "LEVELS",
    "NEIGHBOUR_ACTIONS",
    "OPEN_STATUSES",
    "PERMISSIONS",
    "RESIDENT_ACTIONS",
    "TALLY_KEY",
    "TRANSITIONS",
    "Action",
    "CallbackRequest",
    "Case",
    "CaseEvent",
    "CaseNeighbour",
    "CasePhoto",
    "Channel",
    "Extension",
    "Notification",
    "OutboxMessage",
    "Participant",
    "Party",
    "Rating",
    "RatingSource",
    "RatingTag",
    "ReturnReason",
    "Status",
    "Tally",
    "TrackingCounter",
]
