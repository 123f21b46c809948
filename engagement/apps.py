from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    name = "engagement"
    verbose_name = _("Engagement")

    def ready(self):
        from cases.hooks import SWEEPS, Stage, Sweep
        from engagement import exports
        from engagement.services import reminders_send
        from residents import hooks

        hooks.DATA_SECTIONS["signups"] = exports.SECTION
        SWEEPS["reminded"] = Sweep(Stage.NOTICES, reminders_send)
