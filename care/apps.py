from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    name = "care"
    verbose_name = _("Care")

    def ready(self):
        from care import exports, worker
        from care.services import care_consent_withdrawn
        from cases.hooks import SWEEPS, Stage, Sweep
        from residents import hooks

        hooks.CONSENT_WITHDRAWN.append(care_consent_withdrawn)
        hooks.DATA_SECTIONS["care"] = exports.SECTION
        SWEEPS["care_alerts"] = Sweep(Stage.NOTICES, worker.alerts_due)
        SWEEPS["care_anonymised"] = Sweep(Stage.RETENTION, worker.records_anonymise_due)
