import threading
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from connect import callbacks, services, webhooks
from connect.channels import message_body
from connect.crosswalk import crosswalk_export, crosswalk_import
from connect.imports import XLSX
from connect.models import (
    CategoryCode,
    ConnectedSystem,
    Delivery,
    ExternalOrder,
    HotlineAnswer,
    WebhookEvent,
    WebhookSubscription,
)


class CrosswalkImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))


def _show_key_once(request, system, key) -> None:
    messages.success(
        request,
        _(
            "The API key of “%(name)s” is %(key)s — copy it now: it is stored only as a hash "
            "and will not be shown again."
        )
        % {"name": system.name, "key": key},
    )


class CategoryCodeInline(admin.TabularInline):
    model = CategoryCode
    extra = 0
    autocomplete_fields = ["item"]


@admin.register(ConnectedSystem)
class ConnectedSystemAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "community", "company", "key_prefix", "revoked_at"]
    list_filter = ["kind"]
    search_fields = ["name", "key_prefix"]
    autocomplete_fields = ["community", "company"]
    readonly_fields = ["key_prefix", "revoked_at", "secret_id", "signing_secret", "created_at"]
    inlines = [CategoryCodeInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ["issue_new_key", "revoke_key"]

    change_form_template = "admin/connect/connectedsystem/change_form.html"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:system_id>/crosswalk/export/",
                view(self.crosswalk_export_view),
                name="connect_crosswalk_export",
            ),
            path(
                "<int:system_id>/crosswalk/import/",
                view(self.crosswalk_import_view),
                name="connect_crosswalk_import",
            ),
            *super().get_urls(),
        ]

    def crosswalk_export_view(self, request, system_id):
        system = get_object_or_404(ConnectedSystem, pk=system_id)
        if not self.has_view_permission(request, system):
            return redirect("admin:index")
        response = HttpResponse(crosswalk_export(system=system), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="crosswalk-{system.pk}.xlsx"'
        return response

    def crosswalk_import_view(self, request, system_id):
        """The crosswalk from Excel: every row checked first, nothing changed unless all
        are good."""
        system = get_object_or_404(ConnectedSystem, pk=system_id)
        if not self.has_change_permission(request, system):
            return redirect("admin:index")
        form = CrosswalkImportForm(request.POST or None, request.FILES or None)
        result = None
        if request.method == "POST" and form.is_valid():
            result = crosswalk_import(system=system, upload=form.cleaned_data["file"])
            if not result.errors:
                messages.success(
                    request,
                    gettext("Crosswalk imported: %(created)d new codes, %(updated)d updated.")
                    % {"created": result.created, "updated": result.updated},
                )
                return redirect(reverse("admin:connect_connectedsystem_change", args=[system.pk]))
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "result": result,
            "opts": self.model._meta,
            "original": system,
            "title": gettext("Import the crosswalk of “%(name)s” from Excel") % {"name": system},
        }
        status = 400 if result and result.errors else 200
        return render(
            request, "admin/connect/connectedsystem/crosswalk_import.html", context, status=status
        )

    def get_fields(self, request, obj=None):
        fields = ["name", "kind", "community", "company", "endpoint_url"]
        return fields + self.readonly_fields if obj else fields

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        # A key is issued only by the service, and shown in this response only.
        system, key = services.system_create(
            name=obj.name,
            kind=obj.kind,
            community=obj.community,
            company=obj.company,
            endpoint_url=obj.endpoint_url,
        )
        for model_field in ConnectedSystem._meta.concrete_fields:
            setattr(obj, model_field.attname, getattr(system, model_field.attname))
        obj._state.adding, obj._state.db = False, system._state.db
        _show_key_once(request, system, key)

    @admin.action(description=_("Issue a new key (the old one stops working)"))
    def issue_new_key(self, request, queryset):
        for system in queryset:
            _show_key_once(request, system, services.system_key_rotate(system=system))

    @admin.action(description=_("Revoke the key"))
    def revoke_key(self, request, queryset):
        for system in queryset:
            services.system_key_revoke(system=system)


@admin.register(ExternalOrder)
class ExternalOrderAdmin(admin.ModelAdmin):
    list_display = ["number", "system", "state", "order_type", "received_at", "case"]
    list_filter = ["state", "system"]
    search_fields = ["number"]
    readonly_fields = [f.name for f in ExternalOrder._meta.fields]

    def has_add_permission(self, request):
        return False


# ---------------------------------------------------------------------------------------------
# What goes back: webhooks and the delivery log


class WebhookForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=200, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("events"),
        choices=WebhookEvent.choices,
        initial=WebhookEvent.values,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = WebhookSubscription
        fields = ["name", "system", "org_unit", "company", "url", "events", "is_active"]


def _log_link(recipient: str):
    url = reverse("admin:connect_delivery_changelist") + "?" + urlencode({"recipient": recipient})
    return format_html('<a href="{}">{}</a>', url, _("delivery log"))


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    form = WebhookForm
    list_display = ["name", "system", "org_unit", "company", "url", "is_active", "deliveries"]
    list_filter = ["is_active", "system"]
    search_fields = ["name", "url"]
    autocomplete_fields = ["system", "org_unit", "company"]
    readonly_fields = ["signing_key", "created_at", "deliveries"]

    @admin.display(description=_("signing key (id / secret)"))
    def signing_key(self, obj):
        return " / ".join(obj.key) if obj.pk else "—"

    @admin.display(description=_("delivery log"))
    def deliveries(self, obj):
        return _log_link(f"webhook:{obj.pk}") if obj.pk else "—"


class RecipientFilter(admin.SimpleListFilter):
    title = _("sent to")
    parameter_name = "recipient"

    def lookups(self, request, model_admin):
        return [
            *(
                (f"system:{pk}", name)
                for pk, name in ConnectedSystem.objects.values_list("pk", "name")
            ),
            *(
                (f"webhook:{pk}", f"{_('webhook')} · {name}")
                for pk, name in WebhookSubscription.objects.values_list("pk", "name")
            ),
        ]

    def queryset(self, request, queryset):
        return queryset.filter(recipient=self.value()) if self.value() else queryset


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Every message sent to a connected system or a webhook: state, attempts, last error,
    and the ids a receiver sees (message id, event id). Replay sends it again as it was."""

    list_display = [
        "id",
        "created_at",
        "sent_to",
        "event",
        "state",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    ]
    list_display_links = None
    list_filter = [RecipientFilter, "state"]
    search_fields = ["body"]
    actions = ["replay"]
    ordering = ["-id"]

    _local = threading.local()  # the names of the recipients, read once per request

    def get_queryset(self, request):
        self._local.names = {
            **{f"system:{pk}": n for pk, n in ConnectedSystem.objects.values_list("pk", "name")},
            **{
                f"webhook:{pk}": n
                for pk, n in WebhookSubscription.objects.values_list("pk", "name")
            },
        }
        return super().get_queryset(request).filter(channel=callbacks.CHANNEL)

    @admin.display(description=_("sent to"))
    def sent_to(self, obj):
        return self._local.names.get(obj.recipient, obj.recipient)

    @admin.display(description=_("event"))
    def event(self, obj):
        body = message_body(obj)
        kind = body.get("type") or body.get("event") or ""
        return f"{kind} · {body.get('tracking_no', '')} · #{body.get('event_id', '')}"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Replay: send again as it was"))
    def replay(self, request, queryset):
        count = webhooks.deliveries_replay(messages=queryset)
        self.message_user(request, _("%(count)d messages queued again.") % {"count": count})


@admin.register(HotlineAnswer)
class HotlineAnswerAdmin(admin.ModelAdmin):
    """What each hotline answered and what we replied: read-only, the record of its rulings."""

    list_display = ["received_at", "system", "answer_id", "order", "kind"]
    list_filter = ["kind", "system"]
    search_fields = ["answer_id", "order__number"]
    readonly_fields = ["system", "answer_id", "order", "kind", "request", "reply", "received_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
