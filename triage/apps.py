from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TriageConfig(AppConfig):
    name = "triage"
    verbose_name = _("Triage")

    def ready(self):
        from cases.hooks import CASE_FILED, CHANNELS, ITEM_FROM_WORDS, SWEEPS, Stage, Sweep
        from triage.selectors import item_from_words
        from triage.services import (
            SUGGESTION_CHANNEL,
            SuggestionChannel,
            model_retrain_sweep,
            suggestions_queue_on_intake,
        )

        CASE_FILED.append(suggestions_queue_on_intake)  # every channel files through case_submit
        CHANNELS[SUGGESTION_CHANNEL] = SuggestionChannel()
        ITEM_FROM_WORDS.append(item_from_words)
        SWEEPS["retrained"] = Sweep(Stage.LEARNING, model_retrain_sweep)
