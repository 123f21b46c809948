from django.contrib import admin

from care.models import Assessment, AssessmentAccess, CareAlert, CarePlan, CareRecipient, CareVisit


@admin.register(CareRecipient)
class CareRecipientAdmin(admin.ModelAdmin):
    list_display = ["resident", "household", "risk_level", "reassessment_due", "is_active"]
    list_filter = ["risk_level", "is_active"]
    raw_id_fields = ["resident", "household", "enrolled_by"]
    readonly_fields = ["area_path"]


@admin.register(CarePlan)
class CarePlanAdmin(admin.ModelAdmin):
    list_display = ["recipient", "visit_every_days", "next_visit_due", "responsible", "partner"]
    raw_id_fields = ["recipient", "responsible", "volunteers", "updated_by"]


@admin.register(CareVisit)
class CareVisitAdmin(admin.ModelAdmin):
    list_display = ["recipient", "visited_at", "kind", "wellbeing", "logged_by", "case"]
    raw_id_fields = ["recipient", "logged_by", "case", "partner"]


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    """Read-only: an assessment's answers are its history."""

    list_display = ["recipient", "assessed_at", "risk_level", "assessed_by"]
    list_filter = ["risk_level"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(AssessmentAccess)
class AssessmentAccessAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "assessment", "ip"]
    date_hierarchy = "at"

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CareAlert)
class CareAlertAdmin(admin.ModelAdmin):
    list_display = ["user", "recipient", "kind", "due_on", "created_at", "cleared_at"]
    list_filter = ["kind"]
    raw_id_fields = ["user", "recipient"]
