from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from orgs import services
from orgs.models import (
    Building,
    Estate,
    Household,
    OrgUnit,
    PropertyCompany,
    StaffMembership,
    Unit,
    User,
)


class StaffMembershipInline(admin.TabularInline):
    model = StaffMembership
    extra = 0
    autocomplete_fields = ["org_unit", "company"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("Profile"), {"fields": ["full_name", "wechat_openid"]}),
    )
    list_display = ["username", "full_name", "is_staff", "is_active", "last_login"]
    search_fields = ["username", "full_name", "email"]
    inlines = [StaffMembershipInline]


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "grid_code"]
    list_filter = ["kind"]
    search_fields = ["name", "grid_code"]
    autocomplete_fields = ["parent"]
    ordering = ["path"]

    def save_model(self, request, obj, form, change):
        # Paths are kept by the services, so every write of the tree goes through them.
        if change:
            services.org_unit_update(
                unit=obj, **{name: form.cleaned_data[name] for name in form.changed_data}
            )
        else:
            created = services.org_unit_create(
                **{
                    name: form.cleaned_data[name]
                    for name in ["kind", "name", "parent", "grid_code", "abbr", "sort"]
                }
            )
            obj.pk, obj.path = created.pk, created.path


@admin.register(PropertyCompany)
class PropertyCompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "service_phone", "is_alliance_member"]
    list_filter = ["is_alliance_member"]
    search_fields = ["name", "short_name", "credit_code"]


@admin.register(Estate)
class EstateAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "community", "company"]
    list_filter = ["community", "company"]
    search_fields = ["name", "code", "address"]
    autocomplete_fields = ["community", "company"]


@admin.register(Building)
class BuildingAdmin(admin.ModelAdmin):
    list_display = ["name", "estate", "microgrid", "floors"]
    list_filter = ["estate"]
    search_fields = ["name", "estate__name"]
    autocomplete_fields = ["estate", "microgrid"]
    list_select_related = ["estate", "microgrid"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "building"]
    list_filter = ["building__estate"]
    search_fields = ["name", "building__name", "building__estate__name"]
    autocomplete_fields = ["building"]
    list_select_related = ["building__estate"]


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ["number", "unit", "floor", "area"]
    list_filter = ["unit__building__estate"]
    search_fields = ["number", "unit__building__name", "unit__building__estate__name"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit__building__estate"]


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "org_unit", "company", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "user__full_name"]
    autocomplete_fields = ["user", "org_unit", "company"]
