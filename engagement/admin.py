from django.contrib import admin

from engagement.models import (
    Activity,
    FollowUpAction,
    Meeting,
    PlannedVisit,
    Signup,
    Topic,
    Venue,
    Visit,
    VolunteerProfile,
)


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name", "community", "capacity", "opening_hours"]
    list_filter = ["community"]
    search_fields = ["name"]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    """Places are counted by the services: the counters are read-only here."""

    list_display = ["title", "starts_at", "venue", "domain", "capacity", "taken"]
    list_filter = ["domain", "venue__community"]
    search_fields = ["title", "organiser"]
    readonly_fields = ["taken", "volunteers_taken"]
    date_hierarchy = "starts_at"


@admin.register(Signup)
class SignupAdmin(admin.ModelAdmin):
    list_display = ["activity", "resident", "status", "as_volunteer", "checked_in_at"]
    list_filter = ["status", "as_volunteer", "hours_status"]
    raw_id_fields = ["activity", "resident", "signed_up_by"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "status", "decision", "support_count", "created_at"]
    list_filter = ["status", "decision", "community"]
    search_fields = ["title"]


admin.site.register(Meeting)
admin.site.register(FollowUpAction)
admin.site.register(VolunteerProfile)


@admin.register(PlannedVisit)
class PlannedVisitAdmin(admin.ModelAdmin):
    list_display = ["household", "due_on", "assignee", "note", "visit"]
    list_filter = ["due_on"]
    raw_id_fields = ["household", "assignee", "planned_by", "visit"]


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["household", "visited_at", "visitors", "case"]
    raw_id_fields = ["household", "case"]
