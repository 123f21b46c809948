"""Connected systems (the city's 12345 hotline, a property company's own app, a grid platform)
and the work orders they send: registry, category crosswalk, and each order's own number and
time limits beside the case it became."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import OutboxMessage
from orgs.models import OrgUnit, PropertyCompany


class ConnectedSystem(models.Model):
    """Another system that files work orders here and hears back what became of them.

    It files into one community or for one property company (its scope); its cases are created
    by its own service-account user, so the timeline names it and idempotency is per system.
    Only a hash of its API key is stored (shown once). What we send back is signed with
    `signing_secret`, named by `secret_id` in a header so a secret can be replaced."""

    class Kind(models.TextChoices):
        HOTLINE = "hotline", _("City hotline")
        PROPERTY_SYSTEM = "property_system", _("Property company system")
        GRID_PLATFORM = "grid_platform", _("Grid-management platform")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    community = models.ForeignKey(
        OrgUnit,
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="connected_systems",
        limit_choices_to={"kind": OrgUnit.Kind.COMMUNITY},
    )
    company = models.ForeignKey(
        PropertyCompany,
        verbose_name=_("property company"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="connected_systems",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("service account"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    key_prefix = models.CharField(_("key prefix"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    revoked_at = models.DateTimeField(_("key revoked at"), null=True, blank=True, editable=False)
    endpoint_url = models.URLField(
        _("endpoint URL"),
        blank=True,
        help_text=_("Where answers are sent. Leave empty for a hotline that only has a portal."),
    )
    secret_id = models.CharField(_("signing key id"), max_length=16, editable=False)
    signing_secret = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("connected system")
        verbose_name_plural = _("connected systems")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(community__isnull=False, company__isnull=True)
                | models.Q(community__isnull=True, company__isnull=False),
                name="connected_system_one_scope",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if bool(self.community_id) == bool(self.company_id):
            raise ValidationError(
                _("A connected system files into one community or for one property company.")
            )
        if self.community_id and self.community.kind != OrgUnit.Kind.COMMUNITY:
            raise ValidationError({"community": _("Choose a community.")})


class CategoryCode(models.Model):
    """One of a system's category codes and the catalogue item it means here. A code without
    an item is known but not yet mapped: its orders take triage's suggestion, for staff to
    confirm."""

    system = models.ForeignKey(
        ConnectedSystem,
        verbose_name=_("connected system"),
        on_delete=models.CASCADE,
        related_name="category_codes",
    )
    code = models.CharField(_("code"), max_length=64)
    label = models.CharField(_("label"), max_length=200, blank=True)
    item = models.ForeignKey(
        "catalog.Item",
        verbose_name=_("item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("category code")
        verbose_name_plural = _("category codes")
        ordering = ["system", "code"]
        constraints = [
            models.UniqueConstraint(fields=["system", "code"], name="category_code_per_system")
        ]

    def __str__(self):
        return f"{self.code} {self.label}".strip()


class ExternalOrder(models.Model):
    """A work order as another system sent it, and the case it became.

    Its number is unique per system, so a retried push or a re-imported file never files a
    second case. An order whose address cannot be placed waits without a case, in the
    community's "needs a place" queue, until staff place it."""

    class State(models.TextChoices):
        FILED = "filed", _("Filed")
        NEEDS_PLACE = "needs_place", _("Needs a place")

    class Source(models.TextChoices):
        API = "api", _("Pushed through the API")
        FILE = "file", _("Imported from a file")

    class OrderType(models.TextChoices):
        ENQUIRY = "enquiry", _("Enquiry")
        HELP = "help", _("Request for help")
        COMPLAINT = "complaint", _("Complaint")
        TIP_OFF = "tip_off", _("Tip-off")
        SUGGESTION = "suggestion", _("Suggestion")

    system = models.ForeignKey(
        ConnectedSystem,
        verbose_name=_("connected system"),
        on_delete=models.PROTECT,
        related_name="orders",
    )
    number = models.CharField(_("external number"), max_length=64)
    case = models.OneToOneField(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="external_order",
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    order_type = models.CharField(
        _("order type"), max_length=12, choices=OrderType.choices, blank=True
    )
    called_at = models.DateTimeField(_("called at"), null=True, blank=True)
    caller_name = models.CharField(_("caller"), max_length=50, blank=True)
    caller_phone = models.CharField(_("caller phone"), max_length=20, blank=True)
    address_text = models.CharField(_("address as sent"), max_length=200, blank=True)
    category_code = models.CharField(_("category code"), max_length=64, blank=True)
    category_label = models.CharField(_("category as sent"), max_length=200, blank=True)
    content = models.TextField(_("content"), max_length=2000)
    urgency = models.CharField(_("urgency as sent"), max_length=20, blank=True)
    sign_by = models.DateTimeField(_("sign for by"), null=True, blank=True)
    answer_by = models.DateTimeField(_("complete by"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), db_index=True)

    # -- Intake (orders coming in: connect.intake) ------------------------------------------
    # What the order said, as one hash: a retry under the same number must say the same.
    content_hash = models.CharField(max_length=64, editable=False, default="")
    # Its code was not in the crosswalk: the case took triage's suggestion, for staff to confirm.
    item_suggested = models.BooleanField(_("category suggested"), default=False)
    item_confirmed_at = models.DateTimeField(_("category confirmed at"), null=True, blank=True)
    item_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("category confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Our own clocks for the case, beside the hotline's (sign_by, answer_by) that count.
    own_response_due = models.DateTimeField(_("our response deadline"), null=True, blank=True)
    own_resolution_due = models.DateTimeField(_("our resolution deadline"), null=True, blank=True)
    placed_at = models.DateTimeField(_("placed at"), null=True, blank=True)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("placed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    imported_in = models.ForeignKey(
        "connect.OrderImport",
        verbose_name=_("imported in"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
    )

    class Meta:
        verbose_name = _("external order")
        verbose_name_plural = _("external orders")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["system", "number"], name="external_order_number")
        ]
        indexes = [
            models.Index(
                fields=["system", "received_at"],
                condition=models.Q(state="needs_place"),
                name="external_order_unplaced",
            )
        ]

    def __str__(self):
        return f"{self.system} {self.number}"


# -- Intake (orders coming in: connect.imports) ----------------------------------------------


class OrderImport(models.Model):
    """A file of work orders exported from a hotline's portal, uploaded by staff: previewed,
    then imported whole. The file holds callers' names and numbers, so it is kept only until
    it is imported (or, never confirmed, for a day)."""

    system = models.ForeignKey(
        ConnectedSystem,
        verbose_name=_("connected system"),
        on_delete=models.PROTECT,
        related_name="imports",
    )
    file = models.FileField(_("file"), upload_to="connect/imports/%Y/%m/", blank=True)
    name = models.CharField(_("file name"), max_length=150)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    # Rows by outcome, once imported ({"new": 12, "needs_place": 1, "known": 3}).
    counts = models.JSONField(_("rows"), default=dict, blank=True)

    class Meta:
        verbose_name = _("order file import")
        verbose_name_plural = _("order file imports")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return self.name


# ---------------------------------------------------------------------------------------------
# What goes back: webhook subscriptions, the hotline's answers, the delivery log


class WebhookEvent(models.TextChoices):
    """What a webhook may be told of: each is one or more timeline actions
    (`connect.webhooks.EVENTS`)."""

    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted (signed for)")
    TRANSFERRED = "transferred", _("Transferred")
    RETURNED = "returned", _("Returned")
    WHISTLED = "whistled", _("Whistle: units called in")
    ESCALATED = "escalated", _("Escalated")
    EXTENSION = "extension", _("Extension requested or decided")
    RESOLVED = "resolved", _("Resolved")
    RATED = "rated", _("Rated")
    REOPENED = "reopened", _("Reopened")
    CLOSED = "closed", _("Closed")


def _new_secret_id() -> str:
    return secrets.token_hex(4)


def _new_secret() -> str:
    return secrets.token_hex(32)


class WebhookSubscription(models.Model):
    """Where to POST the events of the cases in a scope, signed like every answer we send.

    Either a connected system's (its scope, its signing key) or set up in the admin on its
    own, with a community or company and a signing key of its own."""

    name = models.CharField(_("name"), max_length=100)
    system = models.ForeignKey(
        ConnectedSystem,
        verbose_name=_("connected system"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="webhooks",
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("org unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Without a connected system: the cases of this unit and below."),
    )
    company = models.ForeignKey(
        PropertyCompany,
        verbose_name=_("property company"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Without a connected system: the cases of this company's estates."),
    )
    url = models.URLField(_("URL"))
    events = models.JSONField(_("events"), default=list)
    is_active = models.BooleanField(_("active"), default=True)
    secret_id = models.CharField(
        _("signing key id"), max_length=16, default=_new_secret_id, editable=False
    )
    signing_secret = models.CharField(max_length=64, default=_new_secret, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    system__isnull=False, org_unit__isnull=True, company__isnull=True
                )
                | models.Q(system__isnull=True, org_unit__isnull=False, company__isnull=True)
                | models.Q(system__isnull=True, org_unit__isnull=True, company__isnull=False),
                name="webhook_one_scope",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.system_id:
            if self.org_unit_id or self.company_id:
                raise ValidationError(
                    _("A connected system's webhook has the system's scope: leave these empty.")
                )
        elif bool(self.org_unit_id) == bool(self.company_id):
            raise ValidationError(
                _("Choose a connected system, or one unit or one property company.")
            )
        unknown = set(self.events or ()) - set(WebhookEvent.values)
        if not self.events or unknown:
            raise ValidationError({"events": _("Choose the events to send.")})

    @property
    def key(self) -> tuple[str, str]:
        """(key id, secret) that sign its deliveries: the system's, or its own."""
        if self.system_id:
            return self.system.secret_id, self.system.signing_secret
        return self.secret_id, self.signing_secret


class HotlineAnswer(models.Model):
    """An answer the hotline sent about one of its orders, kept under the hotline's own
    answer id: the same answer sent again gets the same reply and changes nothing."""

    class Kind(models.TextChoices):
        RETURN = "return", _("Ruling on a return request")
        EXTENSION = "extension", _("Ruling on an extension request")
        FOLLOW_UP = "follow_up", _("Follow-up call")

    system = models.ForeignKey(
        ConnectedSystem, on_delete=models.PROTECT, related_name="answers", editable=False
    )
    answer_id = models.CharField(_("answer id"), max_length=64)
    order = models.ForeignKey(
        ExternalOrder, verbose_name=_("external order"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    request = models.JSONField(_("as sent"))
    reply = models.JSONField(_("our reply"))
    received_at = models.DateTimeField(_("received at"))

    class Meta:
        verbose_name = _("hotline answer")
        verbose_name_plural = _("hotline answers")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["system", "answer_id"], name="hotline_answer_once")
        ]

    def __str__(self):
        return f"{self.system} {self.answer_id}"


class Delivery(OutboxMessage):
    """The outbox rows that go to connected systems and webhooks: their delivery log."""

    class Meta:
        proxy = True
        verbose_name = _("delivery")
        verbose_name_plural = _("delivery log")
