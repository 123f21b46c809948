from django.contrib import admin

from triage.models import ModelVersion, Suggestion


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = ["version", "created_at", "reason", "is_active", "samples"]
    exclude = ["blob"]
    readonly_fields = [
        "version",
        "created_at",
        "trained_by",
        "reason",
        "is_active",
        "labels",
        "samples",
        "last_case_id",
        "last_event_id",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ["case", "model", "top_item", "filed_item", "priority", "created_at"]
    list_select_related = ["case", "model", "top_item", "filed_item"]
    raw_id_fields = ["case"]
    readonly_fields = [
        "case",
        "model",
        "created_at",
        "ranked",
        "top_item",
        "filed_item",
        "priority",
    ]

    def has_add_permission(self, request):
        return False
