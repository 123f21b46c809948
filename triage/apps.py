from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TriageConfig(AppConfig):
    name = "triage"
    verbose_name = _("Triage")

    def ready(self):
        from cases.signals import case_filed
        from triage.services import suggestion_record_on_intake

        # Every intake channel files through `case_submit`, which sends this signal.
        case_filed.connect(suggestion_record_on_intake, dispatch_uid="triage.suggestion")
