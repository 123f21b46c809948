"""The figures, defined once (reference/governance.md §3), as conditions on a case.

Each figure counts cases meeting a condition in a period; every condition is attributed to the
moment its fact happened (a case submitted in March and rated in April counts as dispatched in
March and rated in April). A figure is the sum of one or more *tallies*: a moment and a
condition on the case, written both as a query (for the database, and for the list of cases
behind a number) and in Python (to keep the daily tallies up to date as a case changes). A test
checks that the two forms agree on every case of a varied history.
"""

import operator
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import reduce

from django.conf import settings
from django.db.models import DurationField, ExpressionWrapper, F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Rating
from core.periods import Period

# The moments facts are attributed to. "followed_up" is the community's follow-up call, or else
# the resident's own rating.
MOMENT_FIELDS = {
    "created": "created_at",
    "resolved": "resolved_at",
    "rated": "rated_at",
    "supervised": "supervised_at",
}
MOMENT_EXPRESSIONS = {
    **{name: F(field) for name, field in MOMENT_FIELDS.items()},
    "followed_up": Coalesce("followed_up_at", "rated_at"),
}


def moment_q(moment: str, p: Period) -> Q:
    if moment == "followed_up":
        return p.q("followed_up_at") | (Q(followed_up_at__isnull=True) & p.q("rated_at"))
    return p.q(MOMENT_FIELDS[moment])


def moment_at(moment: str, case) -> datetime | None:
    if moment == "followed_up":
        return case.followed_up_at or case.rated_at
    return getattr(case, MOMENT_FIELDS[moment])


def _le(a, b) -> bool:
    """SQL's `a <= b`: false when either is missing."""
    return a is not None and b is not None and a <= b


def _responded(case) -> bool:
    if case.response_due is None:
        return case.accepted_at is not None
    due = case.response_due
    return _le(case.accepted_at, due) and (
        _le(case.first_contact_at, due) or _le(case.resolved_at, due)
    )


RESPONDED = (
    Q(response_due__isnull=False, accepted_at__lte=F("response_due"))
    & (Q(first_contact_at__lte=F("response_due")) | Q(resolved_at__lte=F("response_due")))
) | Q(response_due__isnull=True, accepted_at__isnull=False)


@dataclass(frozen=True)
class TallyRule:
    moment: str
    q: Q  # the condition besides the moment, for the database
    holds: Callable  # the same condition in Python


def _always(case) -> bool:
    return True


TALLIES = {
    "dispatched": TallyRule("created", Q(), _always),
    # Signed for and first contact (or already solved) within the response clock.
    "responded": TallyRule("created", RESPONDED, _responded),
    "returned": TallyRule("created", Q(return_count__gt=0), lambda c: c.return_count > 0),
    "reopened": TallyRule("created", Q(reopen_count__gt=0), lambda c: c.reopen_count > 0),
    "escalated": TallyRule("created", Q(escalation_count__gt=0), lambda c: c.escalation_count > 0),
    "followed_up": TallyRule("followed_up", Q(), _always),
    "solved_by_call": TallyRule(
        "followed_up",
        Q(followed_up_at__isnull=False, followup_solved=True),
        lambda c: c.followed_up_at is not None and c.followup_solved is True,
    ),
    "solved_satisfied": TallyRule(
        "followed_up",
        Q(followed_up_at__isnull=True, rating=Rating.SATISFIED),
        lambda c: c.followed_up_at is None and c.rating == Rating.SATISFIED,
    ),
    "solved_basic": TallyRule(
        "followed_up",
        Q(followed_up_at__isnull=True, rating=Rating.BASIC),
        lambda c: c.followed_up_at is None and c.rating == Rating.BASIC,
    ),
    "rated": TallyRule("rated", Q(), _always),
    "rated_satisfied": TallyRule(
        "rated", Q(rating=Rating.SATISFIED), lambda c: c.rating == Rating.SATISFIED
    ),
    "rated_basic": TallyRule("rated", Q(rating=Rating.BASIC), lambda c: c.rating == Rating.BASIC),
    "resolved": TallyRule("resolved", Q(), _always),
    "on_time": TallyRule(
        "resolved",
        Q(resolved_at__lte=F("resolution_due")),
        lambda c: _le(c.resolved_at, c.resolution_due),
    ),
    "doorstep": TallyRule(
        "resolved",
        Q(kind="service_request", doorstep=True),
        lambda c: c.kind == "service_request" and c.doorstep,
    ),
    "supervised": TallyRule("supervised", Q(), _always),
}
# Besides the counts: the handling time (submission to resolution) of the resolved cases,
# summed in microseconds for the average, and counted in bands for the 90th percentile: the
# band that holds the percentile's rank is then read from the cases themselves.
HANDLING_SUM = "handling_us"
# The bands' upper bounds in hours: narrow where handling times are common.
BAND_HOURS = (
    *(1, 2, 3, 4, 6, 8, 12, 18, 24, 30, 36, 48),
    *(60, 72, 84, 96, 108, 120, 144, 168, 240, 360, 720),
)
BANDS = tuple(f"handling_band{i}" for i in range(len(BAND_HOURS) + 1))
_BAND_LIMITS = [timedelta(hours=h) for h in BAND_HOURS]


def band_of(handling: timedelta) -> int:
    return bisect_right(_BAND_LIMITS, handling)


def band_q(band: int) -> Q:
    """The resolved cases of a band (annotated with `handling`): from the band's lower limit
    (inclusive) up to its upper limit (exclusive)."""
    q = Q(resolved_at__isnull=False)
    if band > 0:
        q &= Q(handling__gte=_BAND_LIMITS[band - 1])
    if band < len(_BAND_LIMITS):
        q &= Q(handling__lt=_BAND_LIMITS[band])
    return q


# The columns of a tally row.
COLUMNS = (*TALLIES, HANDLING_SUM, *BANDS)
HANDLING = ExpressionWrapper(F("resolved_at") - F("created_at"), output_field=DurationField())


# The tallies of each moment, in TALLIES order.
BY_MOMENT: dict[str, list[str]] = {}
for _name, _rule in TALLIES.items():
    BY_MOMENT.setdefault(_rule.moment, []).append(_name)


def tally_q(name: str, p: Period) -> Q:
    tally = TALLIES[name]
    return moment_q(tally.moment, p) & tally.q


METRICS = {
    "dispatched": _("Cases received"),
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


# ---------------------------------------------------------------------------------------------
# One case's tallies, for keeping the daily tallies up to date


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def tally_key(case, at: datetime) -> tuple:
    """The tally row a case counts in for a moment: (day, area_path, company, estate, domain)."""
    return (
        local_day(at),
        case.area_path or "",
        case.company_id or 0,
        case.estate_id,
        case.domain_id,
    )


def case_tallies(case) -> dict[tuple, dict[str, int]]:
    """What a case adds to the tallies now: {(day, area_path, company, estate, domain): counts}."""
    found: dict[tuple, dict[str, int]] = {}
    for moment, names in BY_MOMENT.items():
        at = moment_at(moment, case)
        if at is None:
            continue
        counts = found.setdefault(tally_key(case, at), {})
        for name in names:
            if TALLIES[name].holds(case):
                counts[name] = 1
        if moment == "resolved":
            handling = case.resolved_at - case.created_at
            counts[HANDLING_SUM] = handling // timedelta(microseconds=1)
            counts[BANDS[band_of(handling)]] = 1
    return found
