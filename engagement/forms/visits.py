"""Door-knock visits: where and what was heard, and the case a finding becomes."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Item
from core.forms import StyledForm, content_key, idempotency_key_field
from engagement.forms.fields import datetime_field
from orgs.models import Building, Household, User


class DoorForm(StyledForm):
    """Where: a building of the area, then the unit and door number as written on the door."""

    building = forms.ModelChoiceField(label=_("Building"), queryset=Building.objects.none())
    unit = forms.CharField(label=_("unit"), max_length=20, help_text=_("For example: 1 or 1单元"))
    number = forms.CharField(label=_("Door number"), max_length=10)

    def __init__(self, *args, buildings=None, households=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.households = households if households is not None else Household.objects.none()
        if buildings is not None:
            self.fields["building"].queryset = buildings

    @staticmethod
    def door_of(household) -> dict:
        """The initial building, unit and number of a household's door."""
        return {
            "building": household.unit.building_id,
            "unit": household.unit.name,
            "number": household.number,
        }

    def clean(self):
        data = super().clean()
        building, unit, number = data.get("building"), data.get("unit"), data.get("number")
        if building and unit and number:
            unit = unit.strip()
            unit_name = f"{unit}单元" if unit.isdigit() else unit
            household = self.households.filter(
                unit__building=building, unit__name=unit_name, number=number.strip()
            ).first()
            if household is None:
                raise forms.ValidationError(_("There is no such household in this building."))
            data["household"] = household
        return data


class VisitForm(DoorForm):
    visited_at = datetime_field(_("Visited at"))
    visitors = forms.CharField(
        label=_("Who visited"),
        max_length=200,
        help_text=_("Names of the branch members and staff who knocked."),
    )
    heard = forms.CharField(
        label=_("What we heard"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    # Not required: a page from before the key (or a script) still logs its visit.
    idempotency_key = idempotency_key_field(required=False)

    def clean(self):
        data = super().clean()
        visited = data.get("visited_at")
        if visited and visited > timezone.now() + timedelta(minutes=5):
            self.add_error("visited_at", _("A visit cannot be in the future."))
        data["idempotency_key"] = content_key(data, "household", "visited_at", "heard")
        return data


class VisitPlanForm(DoorForm):
    """A door to knock on by a day, for oneself or a colleague of the area."""

    due_on = forms.DateField(label=_("Visit by"), widget=forms.DateInput(attrs={"type": "date"}))
    assignee = forms.ModelChoiceField(
        label=_("Who visits"), queryset=User.objects.none(), empty_label=None
    )
    note = forms.CharField(
        label=_("Why"),
        max_length=200,
        required=False,
        help_text=_("For example: lives alone, asked about the lift, a follow-up."),
    )

    def __init__(self, *args, visitors=None, **kwargs):
        super().__init__(*args, **kwargs)
        if visitors is not None:
            self.fields["assignee"].queryset = visitors


class VisitCaseForm(StyledForm):
    item = forms.ModelChoiceField(
        label=_("What is it about?"),
        queryset=Item.objects.filter(
            is_active=True, kind__in=[Item.Kind.APPEAL, Item.Kind.SERVICE]
        ).select_related("category"),
    )
    description = forms.CharField(
        label=_("What must be fixed, and where"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The property company and whoever handles the case read this: write only the "
            "problem and the place, e.g. the stair light on the 3rd floor of building 5 is out. "
            "Health, family and other personal details stay in the visit record: they go with "
            "the case as a note that only the community side can read."
        ),
    )
