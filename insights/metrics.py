"""The figures, defined once (reference/governance.md §3), as sums of the cases' tallies.

Each figure counts cases meeting a condition in a period; every condition is attributed to the
moment its fact happened. The conditions and their moments are the tallies (`cases.tallies`),
kept by cases in the transaction of every change; a figure here names the tallies it adds up.
"""

import operator
from functools import reduce

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.tallies import MOMENT_FIELDS, TALLIES
from core.periods import Period


def moment_q(moment: str, p: Period) -> Q:
    if moment == "followed_up":
        return p.q("followed_up_at") | (Q(followed_up_at__isnull=True) & p.q("rated_at"))
    return p.q(MOMENT_FIELDS[moment])


def tally_q(name: str, p: Period) -> Q:
    tally = TALLIES[name]
    return moment_q(tally.moment, p) & tally.q


METRICS = {
    "received": _("Cases received"),
    "responded": _("Responded in time"),
    "followed_up": _("Followed up"),
    "solved": _("Confirmed solved"),
    "rated": _("Rated"),
    "satisfied": _("Satisfied"),
    "resolved": _("Resolved"),
    "on_time": _("Resolved on time"),
    "returned": _("Returned"),
    "reopened": _("Reopened"),
    "escalated": _("Escalated"),
    "supervised": _("Supervised"),
    "doorstep": _("Doorstep services"),
}


def metric_tallies(name: str) -> tuple[str, ...]:
    """The tallies a figure adds up (which ratings count as good is a setting)."""
    basic = settings.INSIGHTS_SATISFIED_INCLUDES_BASIC
    if name == "solved":
        return ("solved_by_call", "solved_satisfied") + (("solved_basic",) if basic else ())
    if name == "satisfied":
        return ("rated_satisfied",) + (("rated_basic",) if basic else ())
    return (name,)


def metric_q(name: str, period: Period) -> Q:
    return reduce(operator.or_, (tally_q(tally, period) for tally in metric_tallies(name)))


def metric_counts(tallied: dict[str, int]) -> dict[str, int]:
    return {name: sum(tallied[t] for t in metric_tallies(name)) for name in METRICS}
