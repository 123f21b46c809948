"""Cases (诉求): one door for every problem, with an append-only timeline.

Nothing about a case changes except through `cases.services`, which appends a `CaseEvent`
(and notifications) in the same transaction.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from catalog.models import Priority
from orgs.fields import PathField
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
    FIRST_CONTACT = "first_contact", _("Contacted the resident")
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
    CLOSE = "close", _("Closed")
    AUTO_CLOSE = "auto_close", _("Closed automatically (not rated)")
    REVEAL_CONTACT = "reveal_contact", _("Contact details viewed")
    RECLASSIFY = "reclassify", _("Item corrected")
    PUBLISH_PHOTOS = "publish_photos", _("Photos approved for publication")
    ANONYMISE = "anonymise", _("Personal data removed (retention period over)")


# The one declaration of which action may leave which status, and where it leads.
# None as the target means the status does not change.
TRANSITIONS: dict[str, tuple[frozenset, str | None]] = {
    Action.ACCEPT: (frozenset({Status.SUBMITTED, Status.REOPENED}), Status.ACCEPTED),
    Action.FIRST_CONTACT: (frozenset({Status.ACCEPTED, Status.REOPENED}), Status.IN_PROGRESS),
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
    Action.CLOSE: (frozenset({Status.RESOLVED}), Status.CLOSED),
    Action.AUTO_CLOSE: (frozenset({Status.RESOLVED}), Status.CLOSED),
    Action.REVEAL_CONTACT: (OPEN_STATUSES | DONE_STATUSES, None),
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
    Action.FIRST_CONTACT: _HANDLE,
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
    Action.PUBLISH_PHOTOS: _ROUTE,
}
RESIDENT_ACTIONS = frozenset({Action.RESIDENT_REPLY, Action.RATE, Action.REOPEN})


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


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASIC = "basic", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


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


class Case(models.Model):
    class Kind(models.TextChoices):
        APPEAL = "appeal", _("Problem report")
        SERVICE_REQUEST = "service_request", _("Service request")

    tracking_no = models.CharField(_("tracking number"), max_length=24)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    item = models.ForeignKey(
        "catalog.Item", verbose_name=_("item"), on_delete=models.PROTECT, related_name="cases"
    )
    domain = models.ForeignKey(
        "catalog.Domain", verbose_name=_("domain"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(_("description"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    priority = models.CharField(_("priority"), max_length=16, choices=Priority.choices)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)

    # Who reported it and how to reach them (personal data: masked unless needed).
    resident = models.ForeignKey(
        "residents.Resident",
        verbose_name=_("resident"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    contact_name = models.CharField(_("contact name"), max_length=50, blank=True)
    contact_mobile = models.CharField(_("contact mobile"), max_length=11, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, blank=True)

    # Where: the estate, optionally a building and household, or a public spot.
    estate = models.ForeignKey(
        "orgs.Estate", verbose_name=_("estate"), on_delete=models.PROTECT, related_name="cases"
    )
    building = models.ForeignKey(
        "orgs.Building",
        verbose_name=_("building"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    household = models.ForeignKey(
        "orgs.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    location_text = models.CharField(_("place"), max_length=200, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    # Dual receipt: the community-side unit covering the place, and the property company.
    # `area_path` is the path of the unit covering the place (scope filtering by subtree);
    # `owner_unit` climbs the ladder on escalation.
    area_path = PathField(_("area path"), max_length=255)
    owner_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("owning unit"),
        on_delete=models.PROTECT,
        related_name="owned_cases",
    )
    level = models.PositiveSmallIntegerField(_("ladder level"), default=0)
    company = models.ForeignKey(
        "orgs.PropertyCompany",
        verbose_name=_("property company"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,  # case_company_due leads with it
    )
    lead_party = models.CharField(_("lead party"), max_length=20, choices=Party.choices)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
    )

    # Clocks: computed at write time by the catalogue's clock function.
    sla = models.ForeignKey(
        "catalog.SlaPolicy",
        verbose_name=_("SLA policy"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    response_due = models.DateTimeField(_("respond by"), null=True, blank=True)
    resolution_due = models.DateTimeField(_("resolve by"))
    deadlines_provisional = models.BooleanField(_("deadlines provisional"), default=False)
    next_escalation_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    first_contact_at = models.DateTimeField(_("first contact at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    supervised_at = models.DateTimeField(_("supervised at"), null=True, blank=True, db_index=True)
    supervise_due = models.DateTimeField(_("supervision deadline"), null=True, blank=True)
    escalation_count = models.PositiveSmallIntegerField(default=0)
    return_count = models.PositiveSmallIntegerField(default=0)
    reopen_count = models.PositiveSmallIntegerField(default=0)

    # Service requests.
    preferred_time = models.DateTimeField(_("preferred time"), null=True, blank=True)
    doorstep = models.BooleanField(_("at the doorstep"), default=False)

    # The resident's verdict.
    rating = models.CharField(_("rating"), max_length=16, choices=Rating.choices, blank=True)
    rating_comment = models.CharField(_("rating comment"), max_length=500, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True, db_index=True)
    followed_up_at = models.DateTimeField(_("followed up at"), null=True, blank=True, db_index=True)
    followup_solved = models.BooleanField(_("solved (follow-up)"), null=True, blank=True)
    followup_needed = models.BooleanField(_("follow-up needed"), default=False)
    auto_closed = models.BooleanField(_("closed without rating"), default=False)
    # Set when the retention period after closing is over and the personal data is gone
    # (`cases.retention.case_anonymise`); the figures stay as they were.
    anonymised_at = models.DateTimeField(_("personal data removed at"), null=True, blank=True)

    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    # How many duplicates were merged into this case (their residents hear of its progress).
    duplicate_count = models.PositiveSmallIntegerField(_("merged duplicates"), default=0)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("submitted at"), db_index=True)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at"]
        # Every index costs each write of a case (an escalation rewrites them all), so there
        # are no pattern-matching twins of the field indexes: tracking numbers are matched
        # whole and paths by range.
        constraints = [
            models.UniqueConstraint(fields=["tracking_no"], name="case_tracking_no"),
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"],
                name="case_idempotency",
                condition=~models.Q(idempotency_key=""),
            ),
            # Only an open case has a running clock: the escalation sweep relies on it.
            models.CheckConstraint(
                condition=models.Q(next_escalation_at__isnull=True)
                | models.Q(status__in=sorted(OPEN_STATUSES)),
                name="case_clock_only_when_open",
            ),
        ]
        indexes = [
            models.Index(fields=["area_path"], name="case_area_path"),
            models.Index(fields=["status", "resolution_due"], name="case_status_due"),
            # The inbox of a company, and (status first: seek each status, then the area
            # range) of an area. They carry what the tabs test, so that the tab counts and a
            # page's ids are read from the index alone (PostgreSQL).
            models.Index(
                fields=["company", "status", "resolution_due"],
                include=INBOX_COLUMNS,
                name="case_company_due",
            ),
            models.Index(
                fields=["status", "area_path", "resolution_due"],
                include=INBOX_COLUMNS,
                name="case_status_area_due",
            ),
            # The escalation sweep's order: clock, then id. Deadlines often fall on the same
            # instant (the start of a working day); with the clock alone, every batch sorted
            # all the cases of that instant.
            models.Index(
                fields=["next_escalation_at", "id"],
                condition=models.Q(next_escalation_at__isnull=False),
                name="case_escalation_clock",
            ),
            models.Index(
                fields=["area_path"],
                condition=models.Q(followup_needed=True),
                name="case_followup_area",
            ),
            # The retention sweep's: closed cases still holding personal data, by closing.
            models.Index(
                fields=["closed_at"],
                condition=models.Q(closed_at__isnull=False, anonymised_at__isnull=True),
                name="case_retention_due",
            ),
            # Handling time, then resolution time: the 90th percentile reads only the cases
            # of one band of handling times (see insights.selectors).
            models.Index(
                models.F("resolved_at") - models.F("created_at"),
                models.F("resolved_at"),
                condition=models.Q(resolved_at__isnull=False),
                name="case_handling",
            ),
        ]

    def __str__(self):
        return self.tracking_no

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def awaiting_rating(self) -> bool:
        """Resolved, and not rated since (a reopened case may carry an older rating)."""
        return self.status == Status.RESOLVED and (
            not self.rated_at or (self.resolved_at and self.rated_at < self.resolved_at)
        )


class CaseEvent(models.Model):
    """One line of a case's append-only timeline: who, which party, what, when, public?"""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("at"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    party = models.CharField(_("party"), max_length=20, choices=Party.choices)
    action = models.CharField(_("action"), max_length=24, choices=Action.choices)
    from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    public = models.BooleanField(_("visible to the resident"), default=True)
    # An internal note for the community side only (never public): health or family details
    # that the property company and partners need not read (`cases.selectors.timeline`).
    community_only = models.BooleanField(_("community side only"), default=False)
    unit = models.ForeignKey(
        "orgs.OrgUnit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["action", "at"], name="event_action_at")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(community_only=False) | models.Q(public=False),
                name="event_community_only_is_internal",
            )
        ]

    def __str__(self):
        return f"{self.case_id} {self.action} @ {self.at:%Y-%m-%d %H:%M}"


class Participant(models.Model):
    """A unit or company taking part in a case: the lead, co-handlers and watchers."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        CO_HANDLER = "co_handler", _("Co-handler")
        WATCHER = "watcher", _("Watcher")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="participants")
    org_unit = models.ForeignKey(
        "orgs.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    company = models.ForeignKey(
        "orgs.PropertyCompany", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    joined_at = models.DateTimeField(_("joined at"))
    is_active = models.BooleanField(default=True)
    # The two parties of dual receipt. Their scope is already the case's own `area_path` and
    # `company`; only parties that joined later (transfer, whistle) widen who sees the case.
    at_intake = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        indexes = [
            models.Index(
                fields=["org_unit", "case"],
                condition=models.Q(at_intake=False),
                name="participant_later_unit",
            ),
            models.Index(
                fields=["company", "case"],
                condition=models.Q(at_intake=False),
                name="participant_later_company",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(org_unit__isnull=False, company__isnull=True)
                    | models.Q(org_unit__isnull=True, company__isnull=False)
                ),
                name="participant_one_party",
            ),
        ]

    def __str__(self):
        return f"{self.org_unit or self.company} ({self.get_role_display()})"


class CasePhoto(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="photos")
    event = models.ForeignKey(
        CaseEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="photos"
    )
    image = models.FileField(_("image"), upload_to="cases/%Y/%m/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Shown in public (Open311's media_url) only with both: the resident's yes when reporting,
    # and a staff member's check of what the picture shows.
    public_consent = models.BooleanField(_("the resident agreed to publish it"), default=False)
    published_at = models.DateTimeField(_("approved for publication at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved for publication by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["id"]

    def __str__(self):
        return self.image.name


class Extension(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=500)
    new_due = models.DateTimeField(_("new deadline"))
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        ordering = ["-requested_at"]

    def __str__(self):
        return f"{self.case_id} → {self.new_due:%Y-%m-%d %H:%M} ({self.state})"


class TrackingCounter(models.Model):
    """Per prefix and day, the last sequence number handed out for tracking numbers."""

    prefix = models.CharField(max_length=8)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "day"], name="tracking_counter_unique"),
        ]

    def __str__(self):
        return f"{self.prefix}{self.day:%Y%m%d}: {self.last}"


class Notification(models.Model):
    """An in-app notification for a person: about a case event, or (with `link` and no case)
    about anything else, e.g. an activity place that became free."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    event = models.ForeignKey(
        CaseEvent, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    link = models.CharField(max_length=200, blank=True)  # a path on this site, when no case
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        # A person's unread notices, newest first, and their count (the badge on every page),
        # read along the index however many they have read.
        indexes = [
            models.Index(
                fields=["user", "-created_at"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            )
        ]

    def __str__(self):
        return self.text


class OutboxMessage(models.Model):
    """A message to deliver outside the database, written in the same transaction as its
    event; the worker delivers it and retries with backoff, so a crash loses nothing."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        DEAD = "dead", _("Failed for good")

    channel = models.CharField(_("channel"), max_length=16)
    recipient = models.CharField(_("recipient"), max_length=200)
    body = models.TextField(_("body"))
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), db_index=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outbox_due")]

    def __str__(self):
        return f"{self.channel} → {self.recipient}: {self.body[:30]}"
