"""Reads of cases, always through the user's scope: the inbox, a case, its timeline."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection
from django.db.models import Count, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.utils import timezone

from cases import hooks
from cases.models import (
    DONE_STATUSES,
    OPEN_STATUSES,
    Action,
    CallbackRequest,
    Case,
    CaseEvent,
    CaseNeighbour,
    CasePhoto,
    Notification,
    Participant,
    Party,
    Status,
)
from catalog.models import Item
from core.errors import NotFound
from orgs.roles import COMMUNITY_SIDE_ROLES, Permission
from orgs.selectors import scope_for, subtree_q
from residents.redaction import public_text

DUE_SOON = timedelta(hours=24)


# Past this many cases joined after intake, scope uses a subquery instead of a list of ids.
JOINED_LATER_AS_LIST = 2000


def cases_in_scope(*, user) -> QuerySet[Case]:
    """Cases a staff member may see: in their area, of their company, taken part in, or
    assigned to them. Partners see only the cases assigned to them.

    Each condition is an index range of its own, so the database can combine them; cases
    joined later (transfer, whistle) are usually few and go in as a list of ids.
    """
    scope = scope_for(user)
    if scope.everything:
        return Case.objects.all()
    if not scope.is_staff:
        return Case.objects.none()
    return Case.objects.filter(scope_place_q(scope) | joined_or_assigned_q(user, scope))


def scope_parts(user) -> tuple[Q, Q | None]:
    """`cases_in_scope` as two conditions: `place`, the user's areas and companies (index
    ranges), and `others`, the cases outside them that the user joined later or was assigned
    (usually none; None when there cannot be any). A query of `place` alone can be answered
    from an index; `place | others` makes the database read every matching row."""
    scope = scope_for(user)
    if scope.everything:
        return Q(), None
    if not scope.is_staff:
        return Q(pk__in=[]), None
    place = scope_place_q(scope)
    return place, joined_or_assigned_q(user, scope) & ~place


def scope_place_q(scope) -> Q:
    """The cases of a scope's areas and companies (and a technician's pool of open cases
    nobody is assigned to, where their company allows it)."""
    place = subtree_q("area_path", scope.org_paths) | Q(company_id__in=scope.company_ids)
    if scope.pool_company_ids:
        place |= Q(company_id__in=scope.pool_company_ids, assignee=None, status__in=OPEN_STATUSES)
    return place


def joined_or_assigned_q(user, scope) -> Q:
    """The other cases a staff member may see: joined later by their unit or company, or
    assigned to them."""
    joined_later = (
        Participant.objects.filter(at_intake=False)
        .filter(subtree_q("org_unit__path", scope.org_paths) | Q(company_id__in=scope.company_ids))
        .values_list("case_id", flat=True)
    )
    ids = list(joined_later[: JOINED_LATER_AS_LIST + 1])
    return Q(id__in=ids if len(ids) <= JOINED_LATER_AS_LIST else joined_later) | Q(
        assignee=user  # partners (and anyone) see what they are assigned
    )


def case_visible_to(*, user, case: Case) -> bool:
    """`cases_in_scope` for one loaded case: decided from the case itself when it can be,
    asking the database only about participation."""
    scope = scope_for(user)
    if scope.everything or case.assignee_id == user.pk:
        return True
    if not scope.is_staff:
        return False
    if case.company_id in scope.company_ids or any(
        case.area_path.startswith(path) for path in scope.org_paths
    ):
        return True
    if (
        case.company_id in scope.pool_company_ids
        and not case.assignee_id
        and case.status in OPEN_STATUSES
    ):
        return True
    return cases_in_scope(user=user).filter(pk=case.pk).exists()


def case_get_for(*, user, case_id) -> Case:
    case = (
        cases_in_scope(user=user)
        .select_related(
            "item",
            "domain",
            "estate__community",
            "building",
            "household__unit",
            "owner_unit",
            "company",
            "assignee",
            "resident",
            "sla",
            "merged_into",
        )
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise NotFound()
    return case


def case_as_stored(*, case: Case) -> Case:
    """The case as stored now, after the caller's own action on it: the action may have taken
    it out of their scope (a transfer, a return), and they still see what they did."""
    return Case.objects.select_related("item", "domain", "owner_unit").get(pk=case.pk)


def photo_get_for(*, user, photo_id) -> CasePhoto:
    """A case's photo, for the resident who reported the case or staff who may see it."""
    photo = CasePhoto.objects.select_related("case__resident").filter(pk=photo_id).first()
    if photo is None:
        raise NotFound()
    is_reporter = photo.case.resident and photo.case.resident.user_id == user.pk
    if not is_reporter and not case_visible_to(user=user, case=photo.case):
        raise NotFound()
    return photo


def resident_cases(*, user) -> QuerySet[Case]:
    return Case.objects.filter(resident__user=user).select_related("item", "estate")


def resident_case_get(*, user, tracking_no: str) -> Case:
    case = (
        resident_cases(user=user)
        .select_related("building", "household__unit", "merged_into")
        .filter(tracking_no=tracking_no)
        .first()
    )
    if case is None:
        raise NotFound()
    return case


def item_from_words(*, text: str, estate) -> Item | None:
    """The item an app above reads confidently from a resident's words (`hooks.ITEM_FROM_WORDS`),
    or None."""
    for hook in hooks.ITEM_FROM_WORDS:
        item = hook(text=text, estate=estate)
        if item is not None:
            return item
    return None


def answers_callbacks(user) -> bool:
    """Whether the user calls residents back: it is the community they asked, so its staff
    who handle cases; not the property company, which does not read the resident's number
    from a request."""
    return scope_for(user).has(Permission.HANDLE_CASES) and reads_community_notes(user)


def callbacks_of(*, user) -> QuerySet[CallbackRequest]:
    """The 请回电 requests at the estates of a staff member who answers them."""
    if not answers_callbacks(user):
        return CallbackRequest.objects.none()
    return CallbackRequest.objects.filter(estate__in=scope_for(user).estates())


def callbacks_waiting(*, user) -> QuerySet[CallbackRequest]:
    """The requests nobody has answered yet, oldest first."""
    return (
        callbacks_of(user=user)
        .filter(called_at__isnull=True)
        .select_related("resident", "household__unit__building__estate")
        .order_by("requested_at", "pk")
    )


def callback_get_for(*, user, callback_id) -> CallbackRequest:
    """A request at the user's estates, answered or not (else "not found", whatever the id
    says): a form opened for it may be sent after a colleague has called."""
    if not str(callback_id).isascii() or not str(callback_id).isdigit():
        raise NotFound()
    callback = callbacks_of(user=user).filter(pk=callback_id).select_related("resident").first()
    if callback is None:
        raise NotFound()
    return callback


def followed_cases(*, user, kind: str | None = None) -> QuerySet[Case]:
    """我的诉求: the resident's own reports and bookings and the neighbours' cases they joined,
    newest first; only bookings (我的预约) or only problems with `kind`."""
    joined = CaseNeighbour.objects.filter(resident__user=user).values("case_id")
    cases = Case.objects.filter(Q(resident__user=user) | Q(pk__in=joined))
    if kind in Case.Kind.values:
        cases = cases.filter(kind=kind)
    return cases.select_related("item", "estate").order_by("-created_at")


def followed_case_get(*, user, tracking_no: str) -> tuple[Case, CaseNeighbour | None]:
    """A case the resident follows without having reported it: a neighbour's that they
    joined (with their row), or the one their own report was merged into (None)."""
    joined = CaseNeighbour.objects.filter(resident__user=user).values("case_id")
    merged = Case.objects.filter(resident__user=user, merged_into__isnull=False)
    case = (
        Case.objects.filter(Q(pk__in=joined) | Q(pk__in=merged.values("merged_into_id")))
        .select_related("item", "estate", "building")
        .filter(tracking_no=tracking_no)
        .first()
    )
    if case is None:
        raise NotFound()
    return case, CaseNeighbour.objects.filter(case=case, resident__user=user).first()


def joined_of(*, user, cases) -> set[int]:
    """Which of these cases the resident has joined as a neighbour."""
    return set(
        CaseNeighbour.objects.filter(resident__user=user, case__in=cases).values_list(
            "case_id", flat=True
        )
    )


def neighbour_ratings(*, case: Case) -> list[CaseNeighbour]:
    """The verdicts of the neighbours who joined the case (none is read when none joined)."""
    if not case.neighbour_count:
        return []
    return list(case.neighbours.exclude(rating="").order_by("rated_at"))


def follower_timeline(*, case: Case) -> list[CaseEvent]:
    """What a resident who follows a case they did not report reads of its progress: the
    handlers' public steps, personal details taken out of their words; never the reporter's
    own words, photos or rating."""
    events = list(
        case.events.filter(public=True)
        .exclude(party=Party.RESIDENT)
        .exclude(action__in=[Action.SUBMIT, Action.RATE])
    )
    for event in events:
        event.note = public_text(event.note) if event.note else ""
    return events


# What may be shown without sign-in: problems reported, never a household's booking of a
# service, and none of a sensitive item (care, health, conflicts, a named person).
PUBLIC_CASES = Q(kind=Case.Kind.APPEAL, item__is_sensitive=False)


def public_cases() -> QuerySet[Case]:
    """The cases whose item, place, date and status anyone at the place may read: what a
    resident is told was already reported by a neighbour (and may join)."""
    return Case.objects.filter(PUBLIC_CASES)


def public_case_get(*, tracking_no: str) -> Case:
    case = public_cases().filter(tracking_no=tracking_no).select_related("item", "estate").first()
    if case is None:
        raise NotFound()
    return case


def published_photos() -> QuerySet[CasePhoto]:
    """Photos the resident agreed to publish and a staff member approved, of public cases."""
    return CasePhoto.objects.filter(
        published_at__isnull=False, case__kind=Case.Kind.APPEAL, case__item__is_sensitive=False
    )


def reads_community_notes(user) -> bool:
    """Whether the user reads the community-only notes of the cases they see."""
    scope = scope_for(user)
    return scope.everything or any(role in COMMUNITY_SIDE_ROLES for role in scope.roles)


def timeline(*, case: Case, public_only: bool, user=None) -> QuerySet[CaseEvent]:
    """A case's events as `user` may read them (`events_readable`). Every page, API answer
    and file that shows a case's events reads them here."""
    events = case.events.select_related("actor", "unit").prefetch_related("photos")
    return events_readable(events, public_only=public_only, user=user)


def events_readable(events: QuerySet[CaseEvent], *, public_only: bool, user) -> QuerySet[CaseEvent]:
    """The events `user` may read: the resident's public ones, or everything but the
    community-only notes unless the user is on the community side."""
    if public_only:
        return events.filter(public=True)
    if user is None or not reads_community_notes(user):
        return events.exclude(community_only=True)
    return events


# The change feed's order: the order in which events were committed (`events_committed`).
EVENTS_COMMIT_ORDER = ("txid", "pk")


def events_in_scope(*, user) -> QuerySet[CaseEvent]:
    """The timeline events of every case the user sees, each as its case page shows it: for
    staff, of the cases in their scope; for a resident, the public events of their own. Only
    events that no later commit can precede in `EVENTS_COMMIT_ORDER`, so that a reader who
    keeps its place by that order never skips one."""
    staff = scope_for(user).is_staff
    cases = cases_in_scope(user=user) if staff else resident_cases(user=user)
    events = CaseEvent.objects.filter(case__in=cases.values("pk")).select_related("case", "actor")
    return events_committed(events_readable(events, public_only=not staff, user=user))


def events_committed(events: QuerySet[CaseEvent]) -> QuerySet[CaseEvent]:
    """On PostgreSQL an event's id is taken when it is written, and a transaction that wrote
    a lower id may commit after one that wrote a higher: events are read by the id of their
    transaction instead, and only those of transactions older than every one still running
    (all of which are over), plus the reader's own. SQLite has one writer at a time, so ids
    come in commit order and every event's `txid` is 0."""
    if connection.vendor != "postgresql":
        return events
    finished = RawSQL("pg_snapshot_xmin(pg_current_snapshot())::text::bigint", [])
    own = RawSQL("pg_current_xact_id_if_assigned()::text::bigint", [])
    return events.filter(Q(txid__lt=finished) | Q(txid=own))


LISTED = ("item", "estate", "domain", "owner_unit")  # what a list of cases shows

# The inbox tabs: 待受理 / 处理中 / 即将超时 / 已超时 / 督办 / 待回访 / 已办结 / 全部
TABS = ["pending", "active", "due_soon", "overdue", "supervised", "follow_up", "done", "all"]

# The statuses each tab lists (None: any), and what else a case must meet at `now`.
TAB_STATUSES = {
    "pending": {Status.SUBMITTED, Status.RETURNED, Status.REOPENED},
    "active": {Status.ACCEPTED, Status.IN_PROGRESS},
    "due_soon": OPEN_STATUSES,
    "overdue": OPEN_STATUSES,
    "supervised": OPEN_STATUSES,
    "follow_up": None,
    "done": DONE_STATUSES,
    "all": None,
}


def _tab_conditions(now) -> dict[str, Q]:
    return {
        "due_soon": Q(resolution_due__gt=now, resolution_due__lte=now + DUE_SOON),
        "overdue": Q(resolution_due__lte=now) | Q(accepted_at__isnull=True, response_due__lte=now),
        "supervised": Q(supervised_at__isnull=False) | Q(escalation_count__gt=0),
        "follow_up": Q(followup_needed=True),
    }


def _tab_q(tab: str, now) -> Q:
    statuses = TAB_STATUSES[tab]
    tab_q = Q(status__in=statuses) if statuses is not None else Q()
    return tab_q & _tab_conditions(now).get(tab, Q())


# A tracking number: the community's letters, the day, the day's number (FC20261127-0001).
TRACKING_NO = re.compile(r"[A-Za-z]+\d{8}-\d{4,}")


@dataclass(frozen=True)
class InboxFilters:
    tab: str = "pending"
    status: str = ""
    item_id: int | None = None
    domain_code: str = ""
    estate_id: int | None = None
    party: str = ""
    channel: str = ""
    since: date | None = None
    until: date | None = None
    query: str = ""
    mine: bool = False


def inbox(*, user, filters: InboxFilters, now=None) -> QuerySet[Case]:
    now = now or timezone.now()
    cases = Case.objects.filter(_tab_q(filters.tab, now))
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.item_id:
        cases = cases.filter(item_id=filters.item_id)
    if filters.domain_code:
        cases = cases.filter(domain__code=filters.domain_code)
    if filters.estate_id:
        cases = cases.filter(estate_id=filters.estate_id)
    if filters.party:
        cases = cases.filter(lead_party=filters.party)
    if filters.channel:
        cases = cases.filter(channel=filters.channel)
    if filters.since:
        cases = cases.filter(created_at__date__gte=filters.since)
    if filters.until:
        cases = cases.filter(created_at__date__lte=filters.until)
    if filters.mine:
        cases = cases.filter(assignee=user)
    query = filters.query.strip()
    if TRACKING_NO.fullmatch(query):  # looked up along its index, not searched for
        cases = cases.filter(tracking_no__in={query, query.upper()})
    elif query:  # the words, or the number a connected system gave it
        cases = cases.filter(Q(description__icontains=query) | Q(external_no=query))
    place, others = scope_parts(user)
    if others is not None and cases.filter(others).exists():
        cases = cases.filter(place | others)
    else:
        cases = cases.filter(place)
    order = {"done": "-resolved_at", "all": "-created_at"}.get(filters.tab, "resolution_due")
    return cases.select_related(*LISTED).order_by(order, "id")


def page_rows(cases: QuerySet[Case]) -> list[Case]:
    """One page of a list, in two steps: the page's ids from the case table alone, then those
    rows with what the list shows. (Joining every matching case before sorting to keep 25 is
    what made a big inbox slow.)"""
    ids = list(cases.values_list("pk", flat=True))
    found = Case.objects.select_related(*LISTED).in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def tab_counts(*, user, now=None) -> dict[str, int]:
    """How many cases each tab but "done" lists: one pass over the open cases by status,
    and a count of those to follow up; for the user's places, then for the others."""
    now = now or timezone.now()
    conditions = _tab_conditions(now)
    open_tabs = [tab for tab in TABS if tab not in ("follow_up", "done", "all")]
    counts = dict.fromkeys([*open_tabs, "follow_up"], 0)
    for part in scope_parts(user):
        if part is None:
            continue
        cases = Case.objects.filter(part)
        rows = (
            cases.filter(status__in=OPEN_STATUSES)
            .values("status")
            .annotate(
                listed=Count("*"),
                **{
                    tab: Count(Value(1), filter=conditions[tab])
                    for tab in open_tabs
                    if tab in conditions
                },
            )
            .order_by()
        )
        for row in rows:
            for tab in open_tabs:
                if row["status"] in TAB_STATUSES[tab]:
                    counts[tab] += row[tab] if tab in conditions else row["listed"]
        counts["follow_up"] += cases.filter(_tab_q("follow_up", now)).count()
    return counts


def unread_notifications(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user, read_at__isnull=True).select_related("case")


@dataclass(frozen=True)
class Jobs:
    """A technician's day (`jobs_for`)."""

    mine: list[Case]
    pool: list[Case]  # their company's open cases nobody is assigned to, where it allows it


JOBS_POOL_SHOWN = 30
ROUND_CASES_SHOWN = 10


def jobs_for(*, user) -> Jobs:
    """The open cases assigned to a technician, the soonest due first, with what a visit needs
    (the place, the contact, the resident's photos); and, where their company allows it, its
    open cases nobody is assigned to yet (`Scope.pool_company_ids`)."""
    scope = scope_for(user)
    open_cases = (
        Case.objects.filter(status__in=OPEN_STATUSES)
        .select_related("item", "estate", "building", "household__unit")
        .prefetch_related("photos")
        .order_by("resolution_due", "pk")
    )
    pool = []
    if scope.pool_company_ids:
        pool = open_cases.filter(company_id__in=scope.pool_company_ids, assignee=None)
        pool = list(pool[:JOBS_POOL_SHOWN])
    return Jobs(mine=list(open_cases.filter(assignee=user)), pool=pool)


def round_cases_for(*, user) -> list[Case]:
    """The open cases of a grid worker's own area (not those joined elsewhere), the soonest
    due first: what today's round must see to."""
    place, _others = scope_parts(user)
    return list(
        Case.objects.filter(place, status__in=OPEN_STATUSES)
        .select_related("item", "estate", "building")
        .order_by("resolution_due", "pk")[:ROUND_CASES_SHOWN]
    )
