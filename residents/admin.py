from django.contrib import admin

from residents.models import HouseholdTie, PersonalDataAccess, Resident, SmsMessage, Tag


class HouseholdTieInline(admin.TabularInline):
    model = HouseholdTie
    extra = 0
    autocomplete_fields = ["household"]


@admin.register(Resident)
class ResidentAdmin(admin.ModelAdmin):
    list_display = ["name", "mobile", "gender", "birth_date", "consent_at"]
    list_filter = ["tags", "gender"]
    search_fields = ["name", "=mobile", "=id_number"]
    filter_horizontal = ["tags"]
    raw_id_fields = ["user"]
    inlines = [HouseholdTieInline]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]


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
    list_display = ["at", "actor", "resident", "ip"]
    search_fields = ["actor__username", "resident__name"]
    date_hierarchy = "at"
