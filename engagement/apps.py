from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    name = "engagement"
    verbose_name = _("Engagement")

    def ready(self):
        from engagement import exports
        from residents import hooks

        hooks.DATA_SECTIONS["signups"] = exports.SECTION
