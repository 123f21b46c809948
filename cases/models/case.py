"""The case itself: where it is, who has it, its clocks and its figures' facts."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models.lifecycle import (
    INBOX_COLUMNS,
    OPEN_STATUSES,
    Channel,
    Party,
    Rating,
    RatingSource,
    Status,
)
from catalog.models import Priority
from orgs.fields import PathField


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
    # A mobile number, or the landline a hotline's caller gave (0532-83331234).
    contact_mobile = models.CharField(_("contact mobile"), max_length=20, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, blank=True)
    # The number the connected system that sent the case knows it by (a 12345 order number).
    external_no = models.CharField(_("external number"), max_length=64, blank=True)

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
    first_response_at = models.DateTimeField(_("first contact at"), null=True, blank=True)
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
    rating_source = models.CharField(
        _("rated by"), max_length=16, choices=RatingSource.choices, blank=True
    )
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
    # How many other residents said "me too" (`CaseNeighbour`): they hear of it, and rate it.
    neighbour_count = models.PositiveIntegerField(_("neighbours with the same problem"), default=0)
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
            # Inbox search by a connected system's number; most cases have none.
            models.Index(
                fields=["external_no"], condition=~models.Q(external_no=""), name="case_external_no"
            ),
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
            # The change feed (`GET /api/v1/cases?updated_since=`): from the instant on, in
            # its order, so a sync reads the few cases changed since its last read.
            models.Index(fields=["updated_at", "id"], name="case_updated"),
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
