from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    name = "care"
    verbose_name = _("Care")

    def ready(self):
        from care import exports
        from care.services import care_consent_withdrawn
        from residents import hooks

        hooks.CONSENT_WITHDRAWN.append(care_consent_withdrawn)
        hooks.DATA_SECTIONS["care"] = exports.SECTION
