from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TriageConfig(AppConfig):
    name = "triage"
    verbose_name = _("Triage")

    def ready(self):
        from cases.hooks import CASE_FILED, ITEM_FROM_WORDS, SWEEPS, Stage, Sweep
        from triage.selectors import item_from_words
        from triage.services import model_retrain_sweep, suggestion_record_on_intake

        CASE_FILED.append(suggestion_record_on_intake)  # every channel files through case_submit
        ITEM_FROM_WORDS.append(item_from_words)
        SWEEPS["retrained"] = Sweep(Stage.LEARNING, model_retrain_sweep)
