from django.contrib import admin

from alliance.models import Agreement, Partner, Pledge


class PledgeInline(admin.TabularInline):
    model = Pledge
    extra = 0
    autocomplete_fields = ["item"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "party_branch", "joined_on", "is_active"]
    list_filter = ["kind", "is_active", "communities"]
    search_fields = ["name", "party_branch"]
    filter_horizontal = ["communities", "members"]
    raw_id_fields = ["activities"]
    inlines = [PledgeInline]


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    """Files are checked by the agreement page; here they are only shown."""

    list_display = ["title", "partner", "community", "signed_on", "starts_on", "ends_on"]
    list_filter = ["community"]
    search_fields = ["title", "partner__name"]
    readonly_fields = ["file", "file_name", "file_type", "file_size", "created_by", "created_at"]
