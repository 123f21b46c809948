from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = _("Organisation")

    def ready(self):
        from django.contrib.auth.signals import user_login_failed

        from orgs.signin import sign_in_failed

        user_login_failed.connect(sign_in_failed, dispatch_uid="orgs.sign_in_failed")
