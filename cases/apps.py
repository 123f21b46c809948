from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from cases import exports
        from residents import hooks

        hooks.DATA_SECTIONS["cases"] = exports.SECTION
