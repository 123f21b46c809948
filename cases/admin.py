from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, CaseEvent, OutboxMessage


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    fields = ["at", "action", "party", "actor", "from_status", "to_status", "public", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-only: every change to a case goes through the services and leaves an event."""

    list_display = [
        "tracking_no",
        "item",
        "status",
        "priority",
        "channel",
        "estate",
        "owner_unit",
        "created_at",
        "resolution_due",
    ]
    list_filter = ["status", "priority", "channel", "kind", "domain", "estate"]
    search_fields = ["=tracking_no", "=external_no", "description"]
    date_hierarchy = "created_at"
    list_select_related = ["item", "estate", "owner_unit"]
    inlines = [CaseEventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Deliveries, including the failed ones, with a retry for those given up on."""

    list_display = [
        "created_at",
        "channel",
        "recipient",
        "state",
        "attempts",
        "next_attempt_at",
        "last_error",
    ]
    list_filter = ["state", "channel"]
    search_fields = ["recipient", "body"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Retry delivery now"))
    def retry(self, request, queryset):
        count = queryset.exclude(state=OutboxMessage.State.SENT).update(
            state=OutboxMessage.State.PENDING, next_attempt_at=timezone.now()
        )
        self.message_user(request, _("%(count)d messages queued again.") % {"count": count})
