from django.db import models
from django.utils.translation import gettext_lazy as _


class RateCounter(models.Model):
    """The hits of one rate-limit key in its current fixed window (`core.ratelimit`)."""

    name = models.CharField(_("key"), max_length=200, primary_key=True)
    window_end = models.FloatField(_("window end"))  # Unix time
    hits = models.PositiveIntegerField(_("hits"))

    class Meta:
        verbose_name = _("rate counter")
        verbose_name_plural = _("rate counters")

    def __str__(self):
        return self.name
