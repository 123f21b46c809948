from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from cases import exports, hooks, worker
        from residents import hooks as residents_hooks

        residents_hooks.DATA_SECTIONS["cases"] = exports.SECTION
        residents_hooks.DATA_SECTIONS["cases_joined"] = exports.JOINED_SECTION
        hooks.SWEEPS.update(worker.CASE_SWEEPS)  # first: the apps above add theirs after
