from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Channel
from catalog.models import Domain, Item
from core.forms import StyledForm
from core.periods import Period
from insights.selectors import last_months
from orgs.models import OrgUnit, PropertyCompany


class FiguresForm(StyledForm):
    """Which cases (slice) and when (period) a page of figures covers."""

    period = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=[
            ("month", _("This month")),
            ("last_month", _("Last month")),
            ("30d", _("Last 30 days")),
            ("12m", _("Last 12 months")),
            ("custom", _("From … to …")),
        ],
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=_("All my area"),
    )
    company = forms.ModelChoiceField(
        label=_("Property company"),
        queryset=PropertyCompany.objects.none(),
        required=False,
        empty_label=_("All companies"),
    )
    domain = forms.ModelChoiceField(
        label=_("Domain"),
        queryset=Domain.objects.all(),
        required=False,
        to_field_name="code",
        empty_label=_("All domains"),
    )
    item = forms.ModelChoiceField(
        label=_("Item"),
        required=False,
        to_field_name="code",
        queryset=Item.objects.filter(kind__in=["appeal", "service"]),
        empty_label=_("All items"),
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("Any channel")), *Channel.choices]
    )

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = scope.org_units()
        self.fields["company"].queryset = scope.companies()

    def clean(self):
        data = super().clean()
        if data.get("period") == "custom":
            since, until = data.get("since"), data.get("until")
            if not since or not until or since > until:
                raise forms.ValidationError(_("Give a start date before the end date."))
            if (until - since).days > 3 * 366:
                raise forms.ValidationError(_("Choose at most three years."))
        return data

    def period_value(self):
        data = self.valid_data()
        if self.non_field_errors() or {"period", "since", "until"} & self.errors.keys():
            data = {}  # a period with any error falls back to this month (the page says why)
        today = timezone.localdate()
        choice = data.get("period") or "month"
        if choice == "custom":
            return Period.days(data["since"], data["until"])
        if choice == "30d":
            return Period.days(today - timedelta(days=29), today)
        if choice == "12m":
            months = last_months(12, today=today)
            return type(months[0][1])(months[0][1].start, months[-1][1].end)
        if choice == "last_month":
            return last_months(2, today=today)[0][1]
        return Period.month(today.year, today.month)

    def slice_value(self) -> dict:
        data = self.valid_data()
        return {
            "org_unit": data.get("unit"),
            "company": data.get("company"),
            "domain": data.get("domain"),
            "item": data.get("item"),
            "channel": data.get("channel") or "",
        }


class TopicForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=100)
    target_date = forms.DateField(
        label=_("Target date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    owner = forms.ModelChoiceField(label=_("Responsible person"), queryset=None)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people


class TopicNoteForm(StyledForm):
    text = forms.CharField(
        label=_("Progress"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    done = forms.BooleanField(label=_("The topic is done"), required=False)
