from django.conf import settings
from django.contrib import admin, messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.excel import catalogue_export, catalogue_import
from catalog.forms import CatalogueImportForm
from catalog.models import (
    CalendarDay,
    CalendarYear,
    Category,
    Domain,
    Item,
    RoutingRule,
    ServiceList,
    SlaPolicy,
)
from catalog.selectors import office_hours, promise_text


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "code", "color", "sort"]


@admin.register(ServiceList)
class ServiceListAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "code", "sort"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "code", "service_list", "sort"]
    list_filter = ["service_list"]
    search_fields = ["name", "name_en", "code"]


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "priority", "promise"]

    def get_fieldsets(self, request, obj=None):
        hours = "、".join(f"{start}–{end}" for start, end in settings.OFFICE_HOURS)
        clocks = _(
            "Natural time (minutes, hours, days) runs day and night, through weekends and "
            "holidays: for emergencies and outages. Working time (working hours, working days) "
            "counts only office hours (%(hours)s, %(zone)s time) on the working days of the "
            "holiday calendar; a working day is %(minutes)d minutes. A change applies to the "
            "clocks that start from then on."
        ) % {"hours": hours, "zone": settings.TIME_ZONE, "minutes": office_hours().day_minutes}
        return [
            (None, {"fields": ["name", "code", "priority", "description"]}),
            (
                _("Clocks"),
                {
                    "fields": [
                        ("response_amount", "response_unit"),
                        ("resolution_amount", "resolution_unit"),
                    ],
                    "description": clocks,
                },
            ),
        ]

    @admin.display(description=gettext_lazy("promise to residents"))
    def promise(self, policy):
        return promise_text(policy)


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "name_en",
        "service_list",
        "category",
        "domain",
        "kind",
        "provider",
        "fee",
        "sla",
        "is_active",
    ]
    list_filter = ["service_list", "domain", "kind", "provider", "sla", "is_active"]
    search_fields = ["code", "name", "name_en", "description", "keywords"]
    list_select_related = ["service_list", "category", "domain", "sla"]
    change_list_template = "admin/catalog/item/change_list.html"

    def get_urls(self):
        return [
            path(
                "export/", self.admin_site.admin_view(self.export_view), name="catalog_item_export"
            ),
            path(
                "import/", self.admin_site.admin_view(self.import_view), name="catalog_item_import"
            ),
            *super().get_urls(),
        ]

    def export_view(self, request):
        if not self.has_view_permission(request):
            return redirect("admin:index")
        response = HttpResponse(
            catalogue_export(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="catalogue.xlsx"'
        return response

    def import_view(self, request):
        if not self.has_change_permission(request) or not self.has_add_permission(request):
            return redirect("admin:index")
        form = CatalogueImportForm(request.POST or None, request.FILES or None)
        result = None
        if request.method == "POST" and form.is_valid():
            result = catalogue_import(upload=form.cleaned_data["file"])
            if not result.errors:
                messages.success(
                    request,
                    _("Imported: %(created)d new, %(updated)d updated.")
                    % {"created": result.created, "updated": result.updated},
                )
                return redirect(reverse("admin:catalog_item_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "result": result,
            "opts": self.model._meta,
            "title": _("Import the catalogue from Excel"),
        }
        status = 400 if result and result.errors else 200
        return render(request, "admin/catalog/item/import.html", context, status=status)


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "lead", "co_handle", "priority", "note"]
    list_filter = ["lead", "priority"]
    autocomplete_fields = ["item", "estate"]


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "source", "entered_at"]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "is_workday", "name"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
