from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConnectConfig(AppConfig):
    name = "connect"
    verbose_name = _("Connected systems")

    def ready(self):
        from cases import hooks
        from connect import answers, callbacks, channels, imports, webhooks

        hooks.SWEEPS["import_files_purged"] = hooks.Sweep(
            hooks.Stage.RETENTION, imports.import_files_purge_due
        )
        # Answers to the systems and webhooks are written with every case event, sent by the
        # worker through their own channel; a system acts on the cases of its own orders.
        hooks.CASE_EVENTS.extend([callbacks.callbacks_write, webhooks.webhooks_write])
        hooks.CHANNELS[callbacks.CHANNEL] = channels.ConnectChannel()
        hooks.OUTSIDE_ACTORS.append(answers.system_acts_for)
