"""Open311 client applications: who may create service requests, for which community."""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orgs.models import OrgUnit


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ClientApp(models.Model):
    """An API key issued by an administrator to one client application.

    The community is the client's jurisdiction: its requests become cases there. Cases are
    created by the client's own service-account user, so idempotency keys are per client and
    the timeline names who submitted. Only a hash of the key is stored; the key is shown once.
    """

    name = models.CharField(_("name"), max_length=100)
    community = models.ForeignKey(
        OrgUnit,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="open311_clients",
        limit_choices_to={"kind": OrgUnit.Kind.COMMUNITY},
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("service account"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    key_prefix = models.CharField(_("key prefix"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    rate_limit_per_minute = models.PositiveIntegerField(
        _("requests per minute"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(10_000)],
        help_text=_("How many service requests the client may create per minute."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("Open311 client application")
        verbose_name_plural = _("Open311 client applications")
        ordering = ["name", "id"]

    def __str__(self):
        return f"{self.name} ({self.key_prefix}…)"

    def clean(self):
        if self.community_id and self.community.kind != OrgUnit.Kind.COMMUNITY:
            raise ValidationError({"community": _("A client application serves a community.")})
