"""Neighbours who had the same problem (我也遇到了): residents who joined a case instead of
filing a new one. They hear of its progress and may rate it; the case is still counted once."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models.case import Case
from cases.models.lifecycle import Rating, Status


class CaseNeighbour(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="neighbours")
    resident = models.ForeignKey(
        "residents.Resident",
        verbose_name=_("resident"),
        on_delete=models.CASCADE,
        related_name="joined_cases",
    )
    joined_at = models.DateTimeField(_("joined at"))
    # Their own verdict once the case is resolved; the case's rating stays the reporter's.
    rating = models.CharField(_("rating"), max_length=16, choices=Rating.choices, blank=True)
    rating_comment = models.CharField(_("rating comment"), max_length=500, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("neighbour with the same problem")
        verbose_name_plural = _("neighbours with the same problem")
        ordering = ["joined_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "resident"], name="case_neighbour_once"),
        ]
        indexes = [models.Index(fields=["resident", "case"], name="neighbour_resident")]

    def __str__(self):
        return f"{self.case_id} + {self.resident_id}"

    def awaiting_rating(self, case: Case) -> bool:
        """Resolved (and maybe closed since, by the reporter's rating), and not rated by this
        neighbour since (a reopened case may be rated again)."""
        return (
            case.status in (Status.RESOLVED, Status.CLOSED)
            and case.resolved_at is not None
            and (not self.rated_at or self.rated_at < case.resolved_at)
        )
