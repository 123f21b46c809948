from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from residents.models import (
    HouseholdTie,
    PersonalDataAccess,
    Purpose,
    Resident,
    RightsRequest,
    SeparateConsent,
    SmsMessage,
    Tag,
)
from residents.selectors import consent_valid


class HouseholdTieInline(admin.TabularInline):
    model = HouseholdTie
    extra = 0
    autocomplete_fields = ["household"]


class ResidentAdminForm(forms.ModelForm):
    """The admin holds tags to the same rule as the staff pages: a vulnerable situation only
    with a separate consent on record (recorded on the resident's staff page)."""

    class Meta:
        model = Resident
        fields = [
            "user",
            "name",
            "mobile",
            "id_number",
            "gender",
            "birth_date",
            "tags",
            "consent_at",
            "consent_version",
        ]

    def clean_tags(self):
        tags = self.cleaned_data["tags"]
        current = (
            set(self.instance.tags.values_list("pk", flat=True)) if self.instance.pk else set()
        )
        added = [t for t in tags if t.is_sensitive and t.pk not in current]
        if added and not (
            self.instance.pk
            and consent_valid(resident=self.instance, purpose=Purpose.VULNERABILITY)
        ):
            raise forms.ValidationError(
                _(
                    "%(tags)s need the resident's separate consent: record it on the resident's "
                    "page first."
                )
                % {"tags": "、".join(t.name for t in added)}
            )
        return tags


@admin.register(Resident)
class ResidentAdmin(admin.ModelAdmin):
    form = ResidentAdminForm
    list_display = ["name", "mobile", "gender", "birth_date", "consent_at"]
    list_filter = ["tags", "gender"]
    search_fields = ["name", "=mobile", "=id_number"]
    filter_horizontal = ["tags"]
    raw_id_fields = ["user"]
    inlines = [HouseholdTieInline]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_sensitive"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SmsMessage)
class SmsMessageAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "mobile", "body"]
    search_fields = ["=mobile"]
    date_hierarchy = "created_at"


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "actor_org", "resident", "context", "context_label", "ip"]
    list_filter = ["context"]
    search_fields = ["actor__username", "resident__name", "=context_label"]
    date_hierarchy = "at"


@admin.register(SeparateConsent)
class SeparateConsentAdmin(ReadOnlyAdmin):
    """The ledger: given and withdrawn on the staff and resident pages, never edited."""

    list_display = ["given_at", "resident", "purpose", "given_by", "rules_version", "withdrawn_at"]
    list_filter = ["purpose", "given_by", "rules_version"]
    search_fields = ["resident__name", "=resident__mobile"]
    date_hierarchy = "given_at"


@admin.register(RightsRequest)
class RightsRequestAdmin(ReadOnlyAdmin):
    """Answered in the staff queue (/residents/requests/), where the deadline is shown."""

    list_display = ["submitted_at", "resident", "kind", "state", "due_at", "answered_at"]
    list_filter = ["kind", "state"]
    search_fields = ["resident__name", "=resident__mobile"]
    date_hierarchy = "submitted_at"
