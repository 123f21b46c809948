from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import Item
from connect.selectors import Places
from core.forms import StyledForm


class _Labelled(forms.ModelChoiceField):
    def __init__(self, *args, label_of, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_of = label_of

    def label_from_instance(self, obj):
        return self.label_of(obj)


class OrderPlaceForm(StyledForm):
    """Where a queued order is: an estate, then optionally a building of it and a household
    of that building, each offered only from the staff member's own places."""

    estate = _Labelled(label=_("Estate"), queryset=None, label_of=lambda e: e.name)
    building = _Labelled(
        label=_("Building"),
        queryset=None,
        required=False,
        empty_label=_("Not a building: somewhere in the estate"),
        label_of=lambda b: b.name,
    )
    household = _Labelled(
        label=_("Household"),
        queryset=None,
        required=False,
        empty_label=_("Not a home: the building itself"),
        label_of=lambda h: f"{h.unit.name} {h.number}",
    )

    def __init__(self, data=None, *, places: Places, refresh_url: str, initial=None):
        super().__init__(data, initial=initial)
        chosen = data if data is not None else (initial or {})
        estate_id = _pk(chosen.get("estate"))
        building_id = _pk(chosen.get("building"))
        self.fields["estate"].queryset = places.estates
        buildings = places.buildings.filter(estate_id=estate_id).order_by("pk")
        self.fields["building"].queryset = buildings if estate_id else buildings.none()
        households = places.households.filter(unit__building_id=building_id)
        households = households.select_related("unit").order_by("unit_id", "number")
        self.fields["household"].queryset = households if building_id else households.none()
        # Choosing an estate (or building) offers its buildings (or households).
        for name in ("estate", "building"):
            self.fields[name].widget.attrs.update(
                {
                    "hx-get": refresh_url,
                    "hx-include": "closest form",
                    "hx-target": "#place-fields",
                    "hx-select": "#place-fields",
                    "hx-swap": "outerHTML",
                }
            )

    def clean(self):
        data = super().clean()
        building, household = data.get("building"), data.get("household")
        if building and data.get("estate") and building.estate_id != data["estate"].pk:
            self.add_error("building", _("Choose a building of this estate."))
        if household and (not building or household.unit.building_id != building.pk):
            self.add_error("household", _("Choose a household of this building."))
        return data


def _pk(value):
    value = getattr(value, "pk", value)
    return int(value) if str(value or "").isdigit() else None


class ItemConfirmForm(StyledForm):
    item = forms.ModelChoiceField(
        label=_("Item"),
        queryset=Item.objects.filter(is_active=True, kind__in=[Item.Kind.APPEAL, Item.Kind.SERVICE])
        .select_related("domain")
        .order_by("code"),
    )

    def __init__(self, *args, kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = self.fields["item"].queryset.filter(kind=kind)


class ImportUploadForm(StyledForm):
    system = forms.ModelChoiceField(label=_("Connected system"), queryset=None)
    file = forms.FileField(
        label=_("File"),
        help_text=_("The 12345 portal's export: Excel (.xlsx) or CSV (UTF-8 or GB18030)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, systems, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["system"].queryset = systems.order_by("name")
        if len(self.fields["system"].queryset) == 1:
            self.fields["system"].initial = self.fields["system"].queryset[0]
