"""The figures, defined once (reference/governance.md §3), as conditions on a case.

Each figure counts cases meeting a condition in a period; every condition is attributed to the
moment its fact happened (a case submitted in March and rated in April counts as dispatched in
March and rated in April). The same condition builds the aggregate and the list of cases behind
a number, so a figure and its click-through can never disagree.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from cases.models import Rating


@dataclass(frozen=True)
class Period:
    start: datetime  # inclusive
    end: datetime  # exclusive

    def q(self, field: str) -> Q:
        return Q(**{f"{field}__gte": self.start, f"{field}__lt": self.end})


def good_ratings() -> list[str]:
    if settings.INSIGHTS_SATISFIED_INCLUDES_BASIC:
        return [Rating.SATISFIED, Rating.BASIC]
    return [Rating.SATISFIED]


def _responded() -> Q:
    """Signed for and first contact (or already solved) within the response clock."""
    on_time_contact = Q(first_contact_at__lte=F("response_due")) | Q(
        resolved_at__lte=F("response_due")
    )
    with_clock = Q(response_due__isnull=False, accepted_at__lte=F("response_due")) & on_time_contact
    without_clock = Q(response_due__isnull=True, accepted_at__isnull=False)
    return with_clock | without_clock


def _followed_up(p: Period) -> Q:
    """The community's follow-up call, or else the resident's own rating, in the period."""
    return p.q("followed_up_at") | (Q(followed_up_at__isnull=True) & p.q("rated_at"))


def _solved(p: Period) -> Q:
    by_call = Q(followed_up_at__isnull=False, followup_solved=True)
    by_rating = Q(followed_up_at__isnull=True, rating__in=good_ratings())
    return _followed_up(p) & (by_call | by_rating)


METRICS = {
    "dispatched": (_("Cases received"), lambda p: p.q("created_at")),
    "responded": (_("Responded in time"), lambda p: p.q("created_at") & _responded()),
    "followed_up": (_("Followed up"), _followed_up),
    "solved": (_("Confirmed solved"), _solved),
    "rated": (_("Rated"), lambda p: p.q("rated_at")),
    "satisfied": (_("Satisfied"), lambda p: p.q("rated_at") & Q(rating__in=good_ratings())),
    "resolved": (_("Resolved"), lambda p: p.q("resolved_at")),
    "on_time": (
        _("Resolved on time"),
        lambda p: p.q("resolved_at") & Q(resolved_at__lte=F("resolution_due")),
    ),
    "returned": (_("Returned"), lambda p: p.q("created_at") & Q(return_count__gt=0)),
    "reopened": (_("Reopened"), lambda p: p.q("created_at") & Q(reopen_count__gt=0)),
    "escalated": (_("Escalated"), lambda p: p.q("created_at") & Q(escalation_count__gt=0)),
    "supervised": (_("Supervised"), lambda p: p.q("supervised_at")),
    "doorstep": (
        _("Doorstep services"),
        lambda p: p.q("resolved_at") & Q(kind="service_request", doorstep=True),
    ),
}


def metric_q(name: str, period: Period) -> Q:
    return METRICS[name][1](period)


# The moment each figure is attributed to: a period's figure counts the cases whose moment is in
# the period, so one pass grouped by the moment's month gives every month's figure at once.
MOMENTS = {
    **dict.fromkeys(
        ("dispatched", "responded", "returned", "reopened", "escalated"), F("created_at")
    ),
    **dict.fromkeys(("followed_up", "solved"), Coalesce("followed_up_at", "rated_at")),
    **dict.fromkeys(("rated", "satisfied"), F("rated_at")),
    **dict.fromkeys(("resolved", "on_time", "doorstep"), F("resolved_at")),
    "supervised": F("supervised_at"),
}
