from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConnectConfig(AppConfig):
    name = "connect"
    verbose_name = _("Connected systems")

    def ready(self):
        from cases.hooks import SWEEPS, Stage, Sweep
        from connect import imports

        SWEEPS["import_files_purged"] = Sweep(Stage.RETENTION, imports.import_files_purge_due)
