from django import forms
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Channel, Rating, RatingTag, ReturnReason, Status
from cases.uploads import MAX_PHOTOS
from catalog.models import Domain, Item
from catalog.selectors import booking_time_refusal
from core.forms import StyledForm, content_key, idempotency_key_field
from orgs.models import Building, Estate, Household, OrgUnit, PropertyCompany, Unit


class PhotosInput(forms.ClearableFileInput):
    """The photos chosen from the phone's gallery or files, and a button beside them that opens
    the camera directly (`capture`), each shot added to the photos chosen."""

    allow_multiple_selected = True
    template_name = "cases/widgets/photos.html"


class PhotosField(forms.FileField):
    """Up to nine photos; each is checked by `cases.uploads` in the service."""

    # data-shrink: the phone scales the photos down before sending them (static/js/app.js).
    widget = PhotosInput(attrs={"accept": "image/*", "multiple": True, "data-shrink": True})

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(_("At most %(max)d photos.") % {"max": MAX_PHOTOS})
        return [super(PhotosField, self).clean(f, initial) for f in files]


class NameChoiceField(forms.ModelChoiceField):
    """A place by its own name alone (the steps before it say where it is)."""

    def label_from_instance(self, obj):
        return obj.name


class ItemChoiceField(forms.ModelChoiceField):
    """The catalogue's items by their plain names (the codes are the catalogue's, not people's)."""

    def label_from_instance(self, obj):
        return obj.label


class ReportForm(StyledForm):
    """A resident reports a problem in their own words: what happened (and photos), where, and
    how to reach them. The item may be left to triage, which files the report under its first
    suggestion when it is confident (`cases.selectors.item_from_words`); otherwise the resident
    picks one of the suggestions or from the list."""

    field_order = [
        "description",
        "photos",
        "photos_public",
        "household",
        "estate",
        "building",
        "unit",
        "location_text",
        "item",
        "contact_name",
        "contact_mobile",
    ]

    item = ItemChoiceField(
        label=_("Kind of problem"),
        to_field_name="code",
        queryset=Item.objects.filter(is_active=True, kind=Item.Kind.APPEAL).select_related(
            "category"
        ),
        required=False,
        empty_label=_("Tell from my words"),
        help_text=_("Leave it to us, or change it if the suggestion is wrong."),
    )
    description = forms.CharField(
        label=_("Describe the problem"),
        max_length=2000,
        widget=forms.Textarea(
            attrs={
                # Live triage: suggestions and possible duplicates as the person types.
                "rows": 4,
                "hx-post": reverse_lazy("triage:suggest"),
                # keyup as people type; input for phone keyboards (IMEs) that send no keyup;
                # a change of place looks for duplicates there.
                # (#report-place keeps its listener: the place steps are redrawn inside it).
                "hx-trigger": "keyup changed delay:400ms, input changed delay:400ms, "
                "change from:#id_household, change from:#report-place, change from:#id_item",
                "hx-target": "#triage-suggest",
                "hx-swap": "outerHTML",
                "hx-include": "[name='item'],[name='household'],[name='estate'],[name='building']",
                "hx-sync": "this:replace",
                # A helper: without a connection there is simply no suggestion, no message.
                "data-quiet-offline": True,
            }
        ),
    )
    photos = PhotosField(label=_("Photos (up to 9)"), required=False)
    photos_public = forms.BooleanField(
        label=_("The photos may be shown in public"),
        help_text=_(
            "Only after a staff member has checked them; the place is shown down to the "
            "building, never your name or door."
        ),
        required=False,
    )
    household = forms.ModelChoiceField(
        label=_("At my home"),
        queryset=Household.objects.none(),
        required=False,
        empty_label=_("Not at home: a public spot"),
    )
    # A public spot, narrowed step by step: the estate, a building in it, a unit of that
    # building (`cases:place_fields` redraws the later steps when one is chosen).
    estate = NameChoiceField(
        label=_("Which estate"),
        queryset=Estate.objects.none(),
        required=False,
        empty_label=_("Choose the estate"),
    )
    building = NameChoiceField(
        label=_("Which building"),
        queryset=Building.objects.none(),
        required=False,
        empty_label=_("Not in a building: the estate's grounds"),
    )
    unit = NameChoiceField(
        label=_("Which unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("Outside it, or not sure"),
    )
    location_text = forms.CharField(label=_("Where exactly"), max_length=200, required=False)
    contact_name = forms.CharField(label=_("Contact name"), max_length=50, required=False)
    contact_mobile = forms.RegexField(
        label=_("Contact mobile"),
        regex=r"^1[3-9]\d{9}$",
        required=False,
        error_messages={"invalid": _("Enter a valid mainland China mobile number.")},
    )
    idempotency_key = idempotency_key_field()

    def __init__(self, *args, households=None, buildings=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The form comes back by htmx after a refusal with the photos chosen still in place;
        # words already in it (a refusal, a call-back's note) are read at once (no filter in
        # hx-trigger: htmx may not eval).
        self.fields["photos"].widget.attrs["hx-preserve"] = True
        if str(self["description"].value() or "").strip():
            attrs = self.fields["description"].widget.attrs
            attrs["hx-trigger"] = f"load, {attrs['hx-trigger']}"
        self.fields["household"].queryset = (
            households if households is not None else Household.objects.none()
        )
        buildings = buildings if buildings is not None else Building.objects.none()
        estates = Estate.objects.filter(pk__in=buildings.values("estate_id"))
        self.fields["estate"].queryset = estates
        building_id = self._chosen("building")
        estate_id = self._chosen("estate")
        # No estate named at all (an estate named empty is "none chosen yet"):
        named = self.data if self.is_bound else self.initial
        if (self.add_prefix("estate") if self.is_bound else "estate") not in named:
            if building_id:  # a form naming only the building (a script): in its estate
                of_building = buildings.filter(pk=building_id).values_list("estate_id", flat=True)
                estate_id = of_building.first()
            elif not self.is_bound:  # a new form: the person's one estate, if one
                only = list(estates.values_list("pk", flat=True)[:2])
                estate_id = only[0] if len(only) == 1 else None
                self.initial["estate"] = estate_id
        self.fields["building"].queryset = (
            buildings.filter(estate_id=estate_id) if estate_id else Building.objects.none()
        )
        self.fields["unit"].queryset = (
            Unit.objects.filter(building_id=building_id, building__estate_id=estate_id)
            if building_id and estate_id
            else Unit.objects.none()
        )
        for name in ("estate", "building"):  # choosing one redraws the steps after it
            self.fields[name].widget.attrs.update(
                {
                    "hx-get": reverse_lazy("cases:place_fields"),
                    "hx-target": "[data-place-steps]",
                    "hx-swap": "innerHTML",
                    "hx-include": "#report-place",
                }
            )

    def _chosen(self, name: str) -> int | None:
        """The id chosen in a place field so far (sent, or given as initial), if any."""
        value = self.data.get(self.add_prefix(name)) if self.is_bound else self.initial.get(name)
        value = str(getattr(value, "pk", value) or "")
        return int(value) if value.isascii() and value.isdigit() else None

    def clean(self):
        data = super().clean()
        if data.get("household"):  # at home: the public spot's steps do not apply
            data["estate"] = data["building"] = data["unit"] = None
        elif data.get("building") and not data.get("estate"):
            data["estate"] = data["building"].estate
        if not data.get("household") and not data.get("estate"):
            raise forms.ValidationError(_("Say where: your home, or a place in your estate."))
        data["idempotency_key"] = content_key(
            data, "item", "description", "household", "estate", "building", "unit", "location_text"
        )
        return data

    @property
    def place_fields(self):
        return [self[name] for name in ("estate", "building", "unit")]

    # One task per screen in the elder mode (static/js/app.js shows one step at a time).
    steps = [
        (_("What happened"), ["description", "photos", "photos_public"]),
        (_("Where"), ["household", "estate", "building", "unit", "location_text"]),
        (_("Check and send"), ["item", "contact_name", "contact_mobile"]),
    ]

    @property
    def stepped(self) -> list[dict]:
        """The visible fields in `steps` (one step of them all when there are no steps)."""
        if not self.steps:
            return [{"title": "", "fields": self.visible_fields()}]
        return [
            {"title": title, "fields": [self[name] for name in names if name in self.fields]}
            for title, names in self.steps
        ]


class BookForm(StyledForm):
    """A resident books a convenience or public-welfare service."""

    household = forms.ModelChoiceField(label=_("For my home"), queryset=Household.objects.none())
    preferred_time = forms.DateTimeField(
        label=_("Preferred time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    description = forms.CharField(
        label=_("Anything we should know"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    idempotency_key = idempotency_key_field()

    def __init__(self, *args, item, households=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        if households is not None:
            self.fields["household"].queryset = households
        if item.booking_hours:
            self.fields["preferred_time"].help_text = _("Bookable: %(hours)s, Beijing time.") % {
                "hours": item.booking_hours.replace(",", "、").replace("-", "–")
            }

    def clean_preferred_time(self):
        value = self.cleaned_data["preferred_time"]
        refusal = booking_time_refusal(item=self.item, when=value, now=timezone.now())
        if refusal:
            raise forms.ValidationError(refusal)
        return value

    def clean(self):
        data = super().clean()
        data["idempotency_key"] = content_key(data, "household", "preferred_time", "description")
        return data


class StaffIntakeForm(ReportForm):
    """Staff file a case for a resident (phone, walk-in, door-knock visit): they name the item."""

    field_order = ["item", "description"]
    steps = None  # staff at a desk: one page

    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[
            (c, Channel(c).label) for c in (Channel.PHONE, Channel.WALK_IN, Channel.DOOR_KNOCK)
        ],
    )
    resident_mobile = forms.RegexField(
        label=_("Resident's mobile"),
        regex=r"^1[3-9]\d{9}$",
        required=False,
        error_messages={"invalid": _("Enter a valid mainland China mobile number.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].label = _("At a resident's home")  # not the resident's "my home"
        item = self.fields["item"]
        item.required, item.empty_label, item.help_text = True, "---------", ""
        item.label = _("What is the problem about?")


class InboxFilterForm(StyledForm):
    q = forms.CharField(label=_("Tracking number or words"), required=False, max_length=50)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *Status.choices]
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
        queryset=Item.objects.filter(kind__in=["appeal", "service"]).only(
            "code", "name", "name_en"
        ),
        required=False,
        empty_label=_("All items"),
    )
    estate = forms.ModelChoiceField(
        label=_("Estate"),
        queryset=Estate.objects.none(),
        required=False,
        empty_label=_("All estates"),
    )
    party = forms.ChoiceField(
        label=_("Lead party"),
        required=False,
        choices=[
            ("", _("Any party")),
            ("community", _("Community side")),
            ("property_company", _("Property company")),
            ("partner", _("Partner")),
        ],
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("Any channel")), *Channel.choices]
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)

    def __init__(self, *args, estates=None, **kwargs):
        super().__init__(*args, **kwargs)
        if estates is not None:
            self.fields["estate"].queryset = estates


class VersionedForm(StyledForm):
    """Every staff action carries the version of the case the person was looking at."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class NoteForm(VersionedForm):
    text = forms.CharField(
        label=_("Text"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ResolveForm(VersionedForm):
    text = forms.CharField(
        label=_("How it was solved"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    photos = PhotosField(label=_("Photos"), required=False)


class ReturnForm(VersionedForm):
    # Nothing chosen beforehand: whoever rules on the return reads the reason given.
    reason = forms.ChoiceField(
        label=_("Reason for the return"),
        choices=[("", _("Choose the reason for the return")), *ReturnReason.choices],
        error_messages={"required": _("Choose a reason for the return.")},
    )
    text = forms.CharField(label=_("Explain"), max_length=500, required=False)


class DispatchForm(VersionedForm):
    """Transfer, or the back office's ruling on a return: one unit or one company."""

    org_unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=OrgUnit.objects.none(), required=False
    )
    company = forms.ModelChoiceField(
        label=_("Property company"), queryset=PropertyCompany.objects.none(), required=False
    )
    text = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, units=None, companies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["org_unit"].queryset = units
        if companies is not None:
            self.fields["company"].queryset = companies

    def clean(self):
        data = super().clean()
        if bool(data.get("org_unit")) == bool(data.get("company")):
            raise forms.ValidationError(_("Choose one unit or one company."))
        return data


class WhistleForm(VersionedForm):
    units = forms.ModelMultipleChoiceField(
        label=_("Units to call in"), queryset=OrgUnit.objects.none()
    )
    text = forms.CharField(label=_("Why"), max_length=500)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["units"].queryset = units


class AssignForm(VersionedForm):
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=None)

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = people


class DueForm(VersionedForm):
    """Extension request (new deadline) or supervision (deadline)."""

    due = forms.DateTimeField(
        label=_("Deadline"),
        input_formats=["%Y-%m-%dT%H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    text = forms.CharField(label=_("Reason"), max_length=500)


class DecideForm(VersionedForm):
    extension = forms.IntegerField(widget=forms.HiddenInput)
    approve = forms.TypedChoiceField(coerce=lambda v: v == "1", choices=[("1", "1"), ("0", "0")])


class FollowUpForm(VersionedForm):
    solved = forms.TypedChoiceField(
        label=_("Did the resident confirm it is solved?"),
        coerce=lambda v: v == "1",
        choices=[("1", _("Solved")), ("0", _("Not solved"))],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(label=_("Note"), max_length=500, required=False)


class ReclassifyForm(VersionedForm):
    item = forms.ModelChoiceField(
        label=_("Correct item"),
        to_field_name="code",
        queryset=Item.objects.filter(is_active=True, kind=Item.Kind.APPEAL),
    )
    text = forms.CharField(label=_("Note"), max_length=500, required=False)


class MergeForm(VersionedForm):
    into = forms.CharField(label=_("Tracking number of the case to keep"), max_length=24)


class NeighbourRateForm(StyledForm):
    """A neighbour's own rating of a case they joined: the verdict and a comment."""

    rating = forms.ChoiceField(
        label=_("How satisfied are you?"), choices=Rating.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RateForm(StyledForm):
    rating = forms.ChoiceField(
        label=_("How satisfied are you?"), choices=Rating.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    tags = forms.MultipleChoiceField(
        label=_("What stood out"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=RatingTag.choices,
    )
    reopen = forms.BooleanField(
        label=_("Still not solved: ask for it to be handled again"),
        help_text=_("Only with “Dissatisfied”."),
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("reopen") and data.get("rating") != Rating.DISSATISFIED:
            self.add_error("reopen", _("Choose “Dissatisfied” to ask for it to be handled again."))
        return data


class ResidentReplyForm(StyledForm):
    text = forms.CharField(
        label=_("Your message"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
