"""The case's states, actions and parties: which action may leave which status and who may
take it, declared once (the services' guard and the action menu read them)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from orgs.roles import Permission


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting acceptance")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    RETURNED = "returned", _("Returned for a ruling")
    RESOLVED = "resolved", _("Resolved")
    REOPENED = "reopened", pgettext_lazy("status", "Reopened")
    CLOSED = "closed", _("Closed")
    MERGED = "merged", _("Merged")


OPEN_STATUSES = frozenset(
    {
        Status.SUBMITTED,
        Status.ACCEPTED,
        Status.IN_PROGRESS,
        Status.RETURNED,
        Status.REOPENED,
    }
)
DONE_STATUSES = frozenset({Status.RESOLVED, Status.CLOSED, Status.MERGED})
# What the inbox's tabs test besides status and due time (see cases.selectors._tab_q).
INBOX_COLUMNS = ["id", "response_due", "accepted_at", "supervised_at", "escalation_count"]


class Action(models.TextChoices):
    SUBMIT = "submit", _("Submitted")
    ACCEPT = "accept", _("Accepted (signed for)")
    FIRST_RESPONSE = "first_response", _("Contacted the resident")
    REPLY = "reply", _("Replied")
    RESIDENT_REPLY = "resident_reply", _("Resident replied")
    NOTE = "note", _("Internal note")
    ASSIGN = "assign", _("Assigned")
    TRANSFER = "transfer", _("Transferred")
    RETURN = "return", _("Returned")
    RULE_RETURN = "rule_return", _("Ruled on a return")
    WHISTLE = "whistle", _("Whistle: units called in")
    EXTENSION_REQUEST = "extension_request", _("Extension requested")
    EXTENSION_APPROVE = "extension_approve", _("Extension approved")
    EXTENSION_REJECT = "extension_reject", _("Extension rejected")
    SUPERVISE = "supervise", _("Supervised")
    ESCALATE = "escalate", _("Escalated")
    RESOLVE = "resolve", _("Resolved")
    RATE = "rate", _("Rated")
    FOLLOW_UP = "follow_up", _("Followed up")
    REOPEN = "reopen", _("Reopened")
    MERGE = "merge", _("Merged into another case")
    MERGED_IN = "merged_in", _("A duplicate was merged in")
    JOIN = "join", _("A neighbour has the same problem")
    NEIGHBOUR_RATE = "neighbour_rate", _("Rated by a neighbour")
    CLOSE = "close", _("Closed")
    AUTO_CLOSE = "auto_close", _("Closed automatically (not rated)")
    REVEAL_CONTACT = "reveal_contact", _("Contact details viewed")
    CALL_CONTACT = "call_contact", _("Contact called")
    RECLASSIFY = "reclassify", _("Item corrected")
    PUBLISH_PHOTOS = "publish_photos", _("Photos approved for publication")
    ANONYMISE = "anonymise", _("Personal data removed (retention period over)")


# The one declaration of which action may leave which status, and where it leads.
# None as the target means the status does not change.
TRANSITIONS: dict[str, tuple[frozenset, str | None]] = {
    Action.ACCEPT: (frozenset({Status.SUBMITTED, Status.REOPENED}), Status.ACCEPTED),
    Action.FIRST_RESPONSE: (frozenset({Status.ACCEPTED, Status.REOPENED}), Status.IN_PROGRESS),
    Action.ASSIGN: (
        frozenset({Status.ACCEPTED, Status.IN_PROGRESS, Status.REOPENED}),
        Status.IN_PROGRESS,
    ),
    Action.REPLY: (OPEN_STATUSES | {Status.RESOLVED}, None),
    Action.RESIDENT_REPLY: (OPEN_STATUSES | {Status.RESOLVED}, None),
    Action.NOTE: (OPEN_STATUSES | DONE_STATUSES, None),
    Action.TRANSFER: (
        frozenset({Status.SUBMITTED, Status.ACCEPTED, Status.IN_PROGRESS, Status.REOPENED}),
        Status.SUBMITTED,
    ),
    Action.RETURN: (frozenset({Status.SUBMITTED, Status.ACCEPTED}), Status.RETURNED),
    Action.RULE_RETURN: (frozenset({Status.RETURNED}), Status.SUBMITTED),
    Action.WHISTLE: (OPEN_STATUSES, None),
    Action.EXTENSION_REQUEST: (OPEN_STATUSES - {Status.RETURNED}, None),
    Action.EXTENSION_APPROVE: (OPEN_STATUSES, None),
    Action.EXTENSION_REJECT: (OPEN_STATUSES, None),
    Action.SUPERVISE: (OPEN_STATUSES, None),
    Action.ESCALATE: (OPEN_STATUSES, None),
    Action.RESOLVE: (
        frozenset({Status.ACCEPTED, Status.IN_PROGRESS, Status.REOPENED}),
        Status.RESOLVED,
    ),
    Action.RATE: (frozenset({Status.RESOLVED}), None),  # the service decides: close or stay
    Action.FOLLOW_UP: (frozenset({Status.RESOLVED, Status.CLOSED}), None),
    Action.REOPEN: (frozenset({Status.RESOLVED, Status.CLOSED}), Status.REOPENED),
    Action.MERGE: (OPEN_STATUSES, Status.MERGED),
    Action.MERGED_IN: (OPEN_STATUSES, None),
    Action.JOIN: (OPEN_STATUSES, None),
    Action.NEIGHBOUR_RATE: (frozenset({Status.RESOLVED, Status.CLOSED}), None),
    Action.CLOSE: (frozenset({Status.RESOLVED}), Status.CLOSED),
    Action.AUTO_CLOSE: (frozenset({Status.RESOLVED}), Status.CLOSED),
    Action.REVEAL_CONTACT: (OPEN_STATUSES | DONE_STATUSES, None),
    Action.CALL_CONTACT: (OPEN_STATUSES, None),
    Action.RECLASSIFY: (OPEN_STATUSES | {Status.RESOLVED, Status.CLOSED}, None),
    Action.PUBLISH_PHOTOS: (OPEN_STATUSES | {Status.RESOLVED, Status.CLOSED}, None),
    Action.ANONYMISE: (frozenset({Status.CLOSED, Status.MERGED}), None),
}

# Who may take each action: a staff member with any one of its permissions, on a case in their
# scope. The services' guard reads it, and the action menu asks the guard. The resident takes
# their own actions on their own case; the actions in neither are the system's.
_HANDLE, _ROUTE = frozenset({Permission.HANDLE_CASES}), frozenset({Permission.ROUTE_CASES})
PERMISSIONS: dict[str, frozenset[str]] = {
    Action.ACCEPT: _HANDLE,
    Action.FIRST_RESPONSE: _HANDLE,
    Action.ASSIGN: _HANDLE,
    # Whoever handles or routes answers the resident, notes and corrects the item: the back
    # office routes and replies, and so does the subdistrict at the top of the ladder.
    Action.REPLY: _HANDLE | _ROUTE,
    Action.NOTE: _HANDLE | _ROUTE,
    Action.RECLASSIFY: _HANDLE | _ROUTE,
    Action.TRANSFER: _HANDLE,
    Action.RETURN: _HANDLE,
    Action.RULE_RETURN: _ROUTE,
    Action.WHISTLE: _ROUTE,
    Action.EXTENSION_REQUEST: _HANDLE,
    Action.EXTENSION_APPROVE: frozenset({Permission.APPROVE_EXTENSIONS}),
    Action.EXTENSION_REJECT: frozenset({Permission.APPROVE_EXTENSIONS}),
    Action.SUPERVISE: frozenset({Permission.SUPERVISE_CASES}),
    Action.RESOLVE: _HANDLE,
    Action.FOLLOW_UP: _ROUTE,
    Action.REOPEN: _HANDLE,
    Action.MERGE: _ROUTE,
    Action.MERGED_IN: _ROUTE,
    Action.CLOSE: _ROUTE,
    Action.REVEAL_CONTACT: frozenset({Permission.REVEAL_PERSONAL_DATA}),
    # The technician assigned calls from their jobs; others only if they may see the number
    # (`cases.services.guard._may_call`).
    Action.CALL_CONTACT: _HANDLE,
    Action.PUBLISH_PHOTOS: _ROUTE,
}
RESIDENT_ACTIONS = frozenset({Action.RESIDENT_REPLY, Action.RATE, Action.REOPEN})
# What a resident may do on a neighbour's problem at their estate: say "me too", then rate it.
NEIGHBOUR_ACTIONS = frozenset({Action.JOIN, Action.NEIGHBOUR_RATE})


class Party(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    COMMUNITY = "community", _("Community side")
    PROPERTY_COMPANY = "property_company", _("Property company")
    PARTNER = "partner", _("Partner organisation")
    SUBDISTRICT = "subdistrict", _("Subdistrict")
    SYSTEM = "system", _("System")


class Channel(models.TextChoices):
    WEB = "web", _("Resident web/app")
    PHONE = "phone", _("Phone")
    WALK_IN = "walk_in", _("Walk-in")
    DOOR_KNOCK = "door_knock", _("Door-knock visit")
    API = "api", _("REST API")
    OPEN311 = "open311", _("Open311")
    HOTLINE = "hotline", _("City hotline")
    CONNECTED = "connected", _("Connected system")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASIC = "basic", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class RatingSource(models.TextChoices):
    """Who gave the rating: the resident on the platform, or the city hotline's follow-up call
    (回访), which the hotline grades the community by."""

    RESIDENT = "resident", _("The resident")
    HOTLINE = "hotline", _("Hotline follow-up call")


class RatingTag(models.TextChoices):
    """What stood out, ticked by the resident beside the rating."""

    FAST = "fast", _("Fast")
    POLITE = "polite", _("Polite")
    THOROUGH = "thorough", _("Thorough")
    SLOW = "slow", _("Slow")
    NOT_FIXED = "not_fixed", _("Not fixed")
    UNFRIENDLY = "unfriendly", _("Unfriendly")


class ReturnReason(models.TextChoices):
    WRONG_LOCATION = "wrong_location", _("Wrong location")
    OWNERSHIP_UNCLEAR = "ownership_unclear", _("Ownership unclear")
    OVERLAPPING_DUTIES = "overlapping_duties", _("Overlapping duties")


LEVELS = ["microgrid", "grid", "community", "subdistrict"]  # the escalation ladder
