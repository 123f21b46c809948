from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from catalog.clock import parse_periods


class EnglishName:
    """The catalogue's names are data in Chinese; an English name, where one is entered, is
    shown to readers in English (a page's language, an export made from it)."""

    @property
    def label(self) -> str:
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


def english_name_field():
    return models.CharField(
        _("English name"),
        max_length=100,
        blank=True,
        help_text=_("Shown on pages in English; blank: the Chinese name is shown."),
    )


class Domain(EnglishName, models.Model):
    """One of the five colour domains of the five-colour estate (五彩小区)."""

    code = models.SlugField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=30)
    name_en = english_name_field()
    color = models.CharField(_("colour"), max_length=7, help_text=_("Hex colour, e.g. #C8102E"))
    description = models.TextField(_("description"), blank=True)
    sort = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
        ordering = ["sort", "id"]

    def __str__(self):
        return self.label

    @property
    def short_label(self) -> str:
        """A badge's colour word: 蓝色, or Blue from "Blue: safety and …"."""
        if self.label != self.name:
            return self.name_en.split(":")[0].split()[0]
        return self.name[:2]


class ServiceList(EnglishName, models.Model):
    """A published list: the Red Butler list, public-welfare services, convenience services."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=50)
    name_en = english_name_field()
    description = models.TextField(_("description"), blank=True)
    sort = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("service list")
        verbose_name_plural = _("service lists")
        ordering = ["sort", "id"]

    def __str__(self):
        return self.label


class Category(EnglishName, models.Model):
    service_list = models.ForeignKey(
        ServiceList,
        verbose_name=_("service list"),
        on_delete=models.PROTECT,
        related_name="categories",
    )
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=30)
    name_en = english_name_field()
    sort = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["service_list__sort", "sort", "id"]

    def __str__(self):
        return f"{self.service_list.label} · {self.label}"


class Priority(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency")
    URGENT = "urgent", _("Urgent")
    NORMAL = "normal", _("Normal")
    COMPLEX = "complex", _("Complex")


class DurationUnit(models.TextChoices):
    MINUTES = "minutes", _("minutes")
    HOURS = "hours", _("hours")
    DAYS = "days", _("days")
    WORKING_HOURS = "working_hours", _("working hours")
    WORKING_DAYS = "working_days", _("working days")


WORKING_UNITS = {DurationUnit.WORKING_HOURS, DurationUnit.WORKING_DAYS}


class SlaPolicy(models.Model):
    """Time to first response and to resolution. A blank response means no response clock."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=50)
    priority = models.CharField(_("priority"), max_length=16, choices=Priority.choices)
    response_amount = models.PositiveIntegerField(
        _("response within"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    response_unit = models.CharField(
        _("response unit"), max_length=16, choices=DurationUnit.choices, blank=True
    )
    resolution_amount = models.PositiveIntegerField(
        _("resolution within"), validators=[MinValueValidator(1)]
    )
    resolution_unit = models.CharField(
        _("resolution unit"), max_length=16, choices=DurationUnit.choices
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(response_amount__isnull=True, response_unit="")
                    | (models.Q(response_amount__isnull=False) & ~models.Q(response_unit=""))
                ),
                name="sla_response_amount_and_unit_together",
            ),
        ]

    def __str__(self):
        return self.name


def validate_periods(value: str) -> None:
    try:
        parse_periods(value)
    except ValueError:
        raise ValidationError(
            _("Write the hours like 08:00-20:00, several separated by commas.")
        ) from None


class Item(EnglishName, models.Model):
    """A published catalogue item: something residents report, book, or read about."""

    class Kind(models.TextChoices):
        APPEAL = "appeal", _("Problem to report")
        SERVICE = "service", _("Service to book")
        INFO = "info", _("Information")

    class Provider(models.TextChoices):
        PROPERTY_COMPANY = "property_company", _("Property company")
        COMMUNITY = "community", _("Community")
        PARTNER = "partner", _("Partner organisation")
        VOLUNTEERS = "volunteers", _("Volunteers")

    code = models.CharField(_("code"), max_length=16, unique=True)
    service_list = models.ForeignKey(
        ServiceList, verbose_name=_("service list"), on_delete=models.PROTECT, related_name="items"
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="items"
    )
    domain = models.ForeignKey(
        Domain, verbose_name=_("domain"), on_delete=models.PROTECT, related_name="items"
    )
    name = models.CharField(_("name"), max_length=50)
    name_en = english_name_field()
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    provider = models.CharField(_("provider"), max_length=20, choices=Provider.choices)
    fee = models.DecimalField(
        _("fee (yuan)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Leave blank for a free service."),
    )
    fee_note = models.CharField(_("fee note"), max_length=50, blank=True)
    service_hours = models.CharField(_("service hours"), max_length=100, blank=True)
    booking_hours = models.CharField(
        _("booking hours"),
        max_length=100,
        blank=True,
        validators=[validate_periods],
        help_text=_(
            "The times of day a booking may ask for, Beijing time, e.g. 08:00-20:00 or "
            "08:00-12:00,14:00-18:00. Empty: any time."
        ),
    )
    how_to_request = models.CharField(_("how to request"), max_length=200, blank=True)
    sla = models.ForeignKey(
        SlaPolicy, verbose_name=_("SLA policy"), on_delete=models.PROTECT, related_name="items"
    )
    keywords = models.CharField(
        _("keywords"), max_length=200, blank=True, help_text=_("Separated by spaces.")
    )
    is_active = models.BooleanField(_("published"), default=True)
    is_sensitive = models.BooleanField(
        _("sensitive"),
        default=False,
        help_text=_(
            "Cases of this item are never shown in public: care, health, family and neighbour "
            "conflicts, anything about a named person."
        ),
    )

    class Meta:
        verbose_name = _("catalogue item")
        verbose_name_plural = _("catalogue items")
        ordering = ["service_list__sort", "category__sort", "code"]
        constraints = [
            models.UniqueConstraint(fields=["service_list", "name"], name="item_unique_name"),
        ]

    def __str__(self):
        return f"{self.code} {self.label}"

    def clean(self):
        if (
            self.category_id
            and self.service_list_id
            and (self.category.service_list_id != self.service_list_id)
        ):
            raise ValidationError({"category": _("The category belongs to another list.")})


class RoutingRule(models.Model):
    """Who leads a case, who co-handles it, at which priority; the most specific rule wins.

    A rule may name an item, a domain and an estate; blank means "any". Specificity ranks
    item over domain and, at equal rank, a rule for one estate over a rule for all.
    """

    class Party(models.TextChoices):
        PROPERTY_COMPANY = "property_company", _("Property company")
        COMMUNITY = "community", _("Community side")

    item = models.ForeignKey(
        Item,
        verbose_name=_("item"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="routing_rules",
    )
    domain = models.ForeignKey(
        Domain,
        verbose_name=_("domain"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="routing_rules",
    )
    estate = models.ForeignKey(
        "orgs.Estate",
        verbose_name=_("estate"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="routing_rules",
    )
    lead = models.CharField(_("lead party"), max_length=20, choices=Party.choices)
    co_handle = models.BooleanField(
        _("other party co-handles"),
        default=True,
        help_text=_("Otherwise the other party only watches."),
    )
    priority = models.CharField(
        _("priority"),
        max_length=16,
        choices=Priority.choices,
        blank=True,
        help_text=_("Blank: the item's SLA policy decides."),
    )
    emergency_words = models.CharField(
        _("emergency words"),
        max_length=300,
        blank=True,
        help_text=_("Separated by spaces; a description containing one is an emergency."),
    )
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["id"]

    def __str__(self):
        parts = [str(p) for p in (self.item, self.domain, self.estate) if p]
        return " · ".join(parts) or str(_("Default rule"))

    def clean(self):
        same = RoutingRule.objects.filter(
            item=self.item_id, domain=self.domain_id, estate=self.estate_id
        ).exclude(pk=self.pk)
        if same.exists():
            raise ValidationError(_("A rule for this item, domain and estate already exists."))


class CalendarYear(models.Model):
    """A year whose official holiday schedule is entered; deadlines in it are final."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=100, blank=True)
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("holiday schedule year")
        verbose_name_plural = _("holiday schedule years")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)


class CalendarDay(models.Model):
    """A day that differs from the Monday-to-Friday rule: a holiday or an adjusted workday."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("holiday or adjusted workday")
        verbose_name_plural = _("holidays and adjusted workdays")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.name}"
