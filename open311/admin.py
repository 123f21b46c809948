from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from open311 import services
from open311.models import ClientApp


def _show_key_once(request, client, key) -> None:
    messages.success(
        request,
        _(
            "The API key of “%(name)s” is %(key)s — copy it now: it is stored only as a hash "
            "and will not be shown again."
        )
        % {"name": client.name, "key": key},
    )


@admin.register(ClientApp)
class ClientAppAdmin(admin.ModelAdmin):
    list_display = ["name", "community", "key_prefix", "is_active", "rate_limit_per_minute"]
    list_filter = ["is_active", "community"]
    search_fields = ["name", "key_prefix"]
    autocomplete_fields = ["community"]
    readonly_fields = ["key_prefix", "user", "created_at"]
    actions = ["issue_new_key"]

    def get_fields(self, request, obj=None):
        fields = ["name", "community", "rate_limit_per_minute", "is_active"]
        return fields + self.readonly_fields if obj else fields

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        # A key is issued only by the service, and shown in this response only.
        client, key = services.client_create(
            name=obj.name,
            community=obj.community,
            rate_limit_per_minute=obj.rate_limit_per_minute,
            is_active=obj.is_active,
        )
        for model_field in ClientApp._meta.concrete_fields:
            setattr(obj, model_field.attname, getattr(client, model_field.attname))
        obj._state.adding, obj._state.db = False, client._state.db
        _show_key_once(request, client, key)

    @admin.action(description=_("Issue a new key (the old one stops working)"))
    def issue_new_key(self, request, queryset):
        for client in queryset:
            _show_key_once(request, client, services.client_key_rotate(client=client))
