"""City-scale data for the benchmark: a subdistrict of 100,000+ residents and a million cases.

The org tree and residents come from the demo's own seeders (more communities added to the
demo subdistrict). Cases, their events and participants are written in bulk — COPY on
PostgreSQL, executemany on SQLite — with the values the services would have produced: the
same deadlines from the catalogue's clock, routing from the routing rules, a timeline whose
statuses chain from submission to the case's current status. Notifications of the generated
history are not written (as if delivered and read long ago).
"""

import json
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import accumulate

from django.db import connection, transaction
from django.utils import timezone

from cases.models import (
    Action,
    Case,
    CaseEvent,
    Channel,
    Participant,
    Party,
    Rating,
    Status,
    Tally,
    TrackingCounter,
)
from cases.tallies import tally_rebuild
from catalog.models import DurationUnit, Item, SlaPolicy
from catalog.selectors import routing_resolve, sla_deadlines
from catalog.services import calendar_sync_from_package, catalogue_load_seed
from orgs import demo as orgs_demo
from orgs.models import Estate, Household, OrgUnit, StaffMembership
from residents.demo import seed_residents
from residents.models import HouseholdTie

CHUNK = 20_000
NATURAL_MINUTES = {DurationUnit.MINUTES: 1, DurationUnit.HOURS: 60, DurationUnit.DAYS: 24 * 60}
CHANNELS = [
    (Channel.WEB, 55),
    (Channel.PHONE, 25),
    (Channel.WALK_IN, 9),
    (Channel.DOOR_KNOCK, 6),
    (Channel.API, 3),
    (Channel.OPEN311, 2),
]
RATINGS = [(Rating.SATISFIED, 76), (Rating.BASIC, 15), (Rating.DISSATISFIED, 9)]
CHANNEL_CHOICES = [c for c, _ in CHANNELS], list(accumulate(w for _, w in CHANNELS))
RATING_CHOICES = [r for r, _ in RATINGS], list(accumulate(w for _, w in RATINGS))
# Extra communities added to the demo subdistrict: grids (micro-grids each), estates.
EXTRA_COMMUNITIES = 9
TEXTS = [
    "楼道灯不亮了，晚上上下楼看不清",
    "厨房水管漏水，楼下邻居家天花板渗水",
    "小区门口垃圾堆放好几天没人清理",
    "电梯运行时有异响，老人不敢坐",
    "单元门门禁坏了，关不上",
    "楼上装修噪音太大，中午也不停",
    "下水道堵塞，污水反上来了",
    "绿化带杂草太多，有蚊虫",
    "车辆乱停占用消防通道",
    "想预约上门维修服务",
]


def scale_structure(*, communities: int = EXTRA_COMMUNITIES) -> int:
    """The demo subdistrict plus `communities` more, ~4,000 households each; then residents."""
    orgs_demo.seed_structure()
    subdistrict = OrgUnit.objects.get(kind=OrgUnit.Kind.SUBDISTRICT, parent=None)
    companies = list(orgs_demo.PropertyCompany.objects.order_by("id"))
    rng = random.Random(7)
    for c in range(communities):
        code = f"{101 + c:03d}"
        grid_code = f"{orgs_demo.AREA_CODE}012{code}000"
        if OrgUnit.objects.filter(grid_code=grid_code).exists():
            continue
        with transaction.atomic():
            community = orgs_demo._unit(
                kind=OrgUnit.Kind.COMMUNITY,
                name=f"基准第{c + 1}社区",
                parent=subdistrict,
                grid_code=grid_code,
            )
            microgrids = []
            for g in range(1, 5):
                grid = orgs_demo._unit(
                    kind=OrgUnit.Kind.GRID,
                    name=f"基准{c + 1}社区第{g}网格",
                    parent=community,
                    grid_code=f"{orgs_demo.AREA_CODE}012{code}{g:03d}",
                )
                for m in range(1, 5):
                    microgrids.append(
                        orgs_demo.services.org_unit_create(
                            kind=OrgUnit.Kind.MICROGRID, name=f"{grid.name}{m}号微网格", parent=grid
                        )
                    )
            for e in range(4):
                spec = orgs_demo.EstateSpec(
                    f"b{c + 1}e{e + 1}",
                    f"基准{c + 1}区{e + 1}号小区",
                    rng.randrange(len(companies)),
                    "",
                    buildings=25,
                    units=2,
                    floors=rng.choice([6, 7, 11, 18]),
                    per_floor=2,
                )
                estate = Estate.objects.create(
                    name=spec.name,
                    code=spec.code,
                    community=community,
                    company=companies[spec.company],
                )
                orgs_demo._households(estate, spec, microgrids[e * 4 : (e + 1) * 4])
    return seed_residents()


def prepare(*, communities: int = EXTRA_COMMUNITIES) -> None:
    """Calendar, catalogue, org tree and residents (each step reuses what exists)."""
    year = timezone.localdate().year
    calendar_sync_from_package(first_year=year - 2, last_year=year + 1)
    catalogue_load_seed()
    scale_structure(communities=communities)


# ---------------------------------------------------------------------------------------------


@dataclass
class _Place:
    estate_id: int
    company_id: int | None
    community_id: int
    prefix: str
    building_id: int
    microgrid_id: int
    microgrid_path: str
    household_id: int | None
    resident_id: int | None
    mobile: str
    name: str


@dataclass
class _Route:
    item: Item
    policy: SlaPolicy
    lead: str
    co_handle: bool
    priority: str
    natural: bool  # both clocks in natural time: deadlines by arithmetic


class Generator:
    """Writes `count` cases over the `months` before `now`; `open_cases` of the newest stay
    open, `overdue` of those with a clock already missed (the worker's next sweep)."""

    def __init__(self, *, count, open_cases, overdue, now=None, months=24, seed=20261126):
        self.rng = random.Random(seed)
        self.now = (now or timezone.now()).astimezone(UTC)
        self.count, self.open_cases, self.overdue = count, open_cases, overdue
        self.start = self.now - timedelta(days=months * 30.4)
        self.sqlite = connection.vendor == "sqlite"
        self._load()

    # -- reference data ------------------------------------------------------------------

    def _load(self) -> None:
        rng = self.rng
        self.routes = []
        items = Item.objects.filter(is_active=True).exclude(kind=Item.Kind.INFO)
        for item in items.select_related("sla", "domain"):
            decision = routing_resolve(item=item)
            policy = decision.policy
            natural = policy.resolution_unit in NATURAL_MINUTES and (
                not policy.response_amount or policy.response_unit in NATURAL_MINUTES
            )
            self.routes.append(
                _Route(item, policy, decision.lead, decision.co_handle, decision.priority, natural)
            )
        # A few items draw most reports (Zipf-like), as in real service lines.
        weights = [1 / (n + 1) ** 0.9 for n in range(len(self.routes))]
        rng.shuffle(weights)
        self.route_weights = list(accumulate(weights))

        residents = defaultdict(list)
        for household_id, resident_id, mobile, name in HouseholdTie.objects.values_list(
            "household_id", "resident_id", "resident__mobile", "resident__name"
        ):
            residents[household_id].append((resident_id, mobile, name))
        self.places = []
        households = Household.objects.values_list(
            "id",
            "unit__building_id",
            "unit__building__microgrid_id",
            "unit__building__microgrid__path",
            "unit__building__estate_id",
            "unit__building__estate__company_id",
            "unit__building__estate__community_id",
            "unit__building__estate__community__abbr",
        )
        for hid, bid, mid, mpath, eid, company, community, abbr in households:
            if not residents[hid]:
                continue
            resident_id, mobile, name = rng.choice(residents[hid])
            public = rng.random() < 0.3  # a public spot by the building
            self.places.append(
                _Place(
                    eid,
                    company,
                    community,
                    abbr or "HG",
                    bid,
                    mid,
                    mpath,
                    None if public else hid,
                    resident_id,
                    mobile,
                    name,
                )
            )
        self.units = {u.pk: u for u in OrgUnit.objects.all()}
        self.staff = defaultdict(list)  # org unit / ("company", id) -> user ids
        for user_id, unit_id, company_id in StaffMembership.objects.filter(
            is_active=True
        ).values_list("user_id", "org_unit_id", "company_id"):
            self.staff[("company", company_id) if company_id else unit_id].append(user_id)
        self.case_id = (Case.objects.order_by("-id").values_list("id", flat=True).first()) or 0
        self.event_id = (
            CaseEvent.objects.order_by("-id").values_list("id", flat=True).first()
        ) or 0
        self.participant_id = (
            Participant.objects.order_by("-id").values_list("id", flat=True).first()
        ) or 0
        self.counters = defaultdict(int)
        for prefix, day, last in TrackingCounter.objects.values_list("prefix", "day", "last"):
            self.counters[prefix, day] = last

    def _deadlines(self, route: _Route, start: datetime) -> tuple[datetime | None, datetime, bool]:
        """What `sla_deadlines` gives; natural clocks by plain arithmetic (the same result)."""
        policy = route.policy
        if route.natural:
            response = (
                start
                + timedelta(minutes=policy.response_amount * NATURAL_MINUTES[policy.response_unit])
                if policy.response_amount
                else None
            )
            resolution = start + timedelta(
                minutes=policy.resolution_amount * NATURAL_MINUTES[policy.resolution_unit]
            )
            return response, resolution, False
        deadlines = sla_deadlines(policy=policy, start=start)
        response = deadlines.response.at if deadlines.response else None
        return response, deadlines.resolution.at, deadlines.provisional

    # -- writing ---------------------------------------------------------------------------

    def run(self) -> dict:
        created = {"cases": 0, "events": 0, "participants": 0}
        times = self._times()
        indexes = _drop_indexes([Case, CaseEvent, Participant])
        try:
            for first in range(0, len(times), CHUNK):
                cases, events, participants = [], [], []
                for n, created_at in enumerate(times[first : first + CHUNK], first):
                    recent = n >= self.count - self.open_cases
                    overdue = recent and n >= self.count - self.overdue
                    self._case(created_at, recent, overdue, cases, events, participants)
                with transaction.atomic():
                    self._write(Case, cases)
                    self._write(CaseEvent, events)
                    self._write(Participant, participants)
                created["cases"] += len(cases)
                created["events"] += len(events)
                created["participants"] += len(participants)
        finally:
            _create_indexes(indexes)
        self._counters()
        tally_rebuild()
        self._finish()
        return created

    def _times(self) -> list[datetime]:
        """Submission times: growing over the period, busier in summer, by day and evening."""
        rng, span = self.rng, (self.now - self.start).total_seconds()
        closed = self.count - self.open_cases
        times = []
        for _ in range(closed):
            while True:
                x = rng.random() ** 0.8  # more recent, more reports
                at = self.start + timedelta(seconds=x * (span - 40 * 86400))
                summer = at.month in (6, 7, 8)
                hour = (at.hour + 8) % 24
                if rng.random() < (1.0 if summer else 0.8) * (1.0 if 7 <= hour <= 21 else 0.15):
                    times.append(at)
                    break
        times.sort()
        # Open cases: the last weeks; positions are fixed up per case to fit their clocks.
        times += [self.now] * self.open_cases
        return times

    def _case(self, created_at, recent, overdue, cases, events, participants) -> None:
        rng = self.rng
        route = rng.choices(self.routes, cum_weights=self.route_weights)[0]
        item, policy = route.item, route.policy
        place = rng.choice(self.places)
        if recent:
            created_at = self._open_start(route, overdue)
        response_due, resolution_due, provisional = self._deadlines(route, created_at)
        lead = route.lead if place.company_id else Party.COMMUNITY
        self.case_id += 1
        case_id = self.case_id
        day = (created_at + timedelta(hours=8)).date()
        self.counters[place.prefix, day] += 1
        channel = rng.choices(CHANNEL_CHOICES[0], cum_weights=CHANNEL_CHOICES[1])[0]
        row = {
            "id": case_id,
            "tracking_no": f"{place.prefix}{day:%Y%m%d}-{self.counters[place.prefix, day]:04d}",
            "kind": Case.Kind.SERVICE_REQUEST
            if item.kind == Item.Kind.SERVICE
            else Case.Kind.APPEAL,
            "item_id": item.pk,
            "domain_id": item.domain_id,
            "description": rng.choice(TEXTS),
            "status": Status.SUBMITTED,
            "priority": route.priority,
            "channel": channel,
            "resident_id": place.resident_id,
            "contact_name": place.name,
            "contact_mobile": place.mobile,
            "created_by_id": None,
            "idempotency_key": "",
            "external_no": "",
            "estate_id": place.estate_id,
            "building_id": place.building_id,
            "household_id": place.household_id,
            "location_text": "",
            "latitude": None,
            "longitude": None,
            "area_path": place.microgrid_path,
            "owner_unit_id": place.microgrid_id,
            "level": 0,
            "company_id": place.company_id,
            "lead_party": lead,
            "assignee_id": None,
            "sla_id": policy.pk,
            "response_due": response_due,
            "resolution_due": resolution_due,
            "deadlines_provisional": provisional,
            "next_escalation_at": response_due or resolution_due,
            "accepted_at": None,
            "first_contact_at": None,
            "resolved_at": None,
            "closed_at": None,
            "supervised_at": None,
            "supervise_due": None,
            "escalation_count": 0,
            "return_count": 0,
            "reopen_count": 0,
            "preferred_time": None,
            "doorstep": bool(place.household_id) and item.kind == Item.Kind.SERVICE,
            "rating": "",
            "rating_comment": "",
            "rated_at": None,
            "followed_up_at": None,
            "followup_solved": None,
            "followup_needed": False,
            "auto_closed": False,
            "merged_into_id": None,
            "duplicate_count": 0,
            "anonymised_at": None,
            "version": 1,
            "created_at": created_at,
            "updated_at": created_at,
        }
        timeline = _Timeline(self, row, events)
        timeline.add(
            created_at,
            Action.SUBMIT,
            Party.RESIDENT if channel == Channel.WEB else Party.COMMUNITY,
            data={"channel": channel, "emergency_words": []},
        )
        self._participants(row, place, route, lead, participants)
        desk = self.staff.get(("company", place.company_id)) if lead != Party.COMMUNITY else None
        handler_party = Party.PROPERTY_COMPANY if desk else Party.COMMUNITY
        handlers = (
            desk
            or self.staff.get(place.microgrid_id)
            or self.staff.get(self.units[place.microgrid_id].parent_id)
        )
        actor = rng.choice(handlers) if handlers else None
        if recent:
            self._open_life(row, timeline, handler_party, actor, overdue)
        else:
            self._closed_life(row, timeline, handler_party, actor, place)
        row["version"] = len(timeline.actions)
        row["updated_at"] = timeline.last
        cases.append(row)

    def _open_start(self, route: _Route, overdue: bool) -> datetime:
        """A submission time whose next clock is missed (overdue) or still ahead."""
        rng = self.rng
        for _ in range(20):
            if overdue:
                start = self.now - timedelta(hours=rng.uniform(2, 24 * 20))
            else:
                start = self.now - timedelta(minutes=rng.uniform(1, 60 * 24 * 10))
            response_due, resolution_due, _provisional = self._deadlines(route, start)
            clock = response_due or resolution_due
            if (clock <= self.now) == overdue and (overdue or resolution_due > self.now):
                return start
        return self.now - timedelta(minutes=1) if not overdue else self.now - timedelta(days=30)

    def _participants(self, row, place, route, lead, participants) -> None:
        other = Participant.Role.CO_HANDLER if route.co_handle else Participant.Role.WATCHER
        sides = [
            (place.microgrid_id, None, Participant.Role.LEAD if lead == Party.COMMUNITY else other)
        ]
        if place.company_id:
            sides.append(
                (
                    None,
                    place.company_id,
                    Participant.Role.LEAD if lead != Party.COMMUNITY else other,
                )
            )
        for unit_id, company_id, role in sides:
            self.participant_id += 1
            participants.append(
                {
                    "id": self.participant_id,
                    "case_id": row["id"],
                    "org_unit_id": unit_id,
                    "company_id": company_id,
                    "role": role,
                    "joined_at": row["created_at"],
                    "is_active": True,
                    "at_intake": True,
                }
            )

    def _open_life(self, row, timeline, party, actor, overdue) -> None:
        rng, created = self.rng, row["created_at"]
        stage = rng.random()
        clock = row["response_due"] or row["resolution_due"]
        if overdue and row["response_due"] and row["response_due"] <= self.now:
            return  # missed its response clock: still awaiting acceptance
        if not overdue and row["response_due"] and row["response_due"] <= self.now:
            stage = max(stage, 0.3)  # past the response clock it must have been accepted
        if stage < 0.3 and (row["response_due"] or clock) > self.now:
            return  # awaiting acceptance, clock ahead
        ceiling = min(self.now, row["response_due"] or self.now)
        accepted = created + (ceiling - created) * rng.uniform(0.1, 0.9)
        timeline.accept(accepted, party, actor)
        if stage > 0.45:
            timeline.contact(
                accepted + (self.now - accepted) * rng.uniform(0.05, 0.5), party, actor
            )
        row["next_escalation_at"] = row["resolution_due"]

    def _closed_life(self, row, timeline, party, actor, place) -> None:
        rng, created = self.rng, row["created_at"]
        response_span = (row["response_due"] or row["resolution_due"]) - created
        accepted = created + response_span * min(1.3, rng.expovariate(3))
        if row["response_due"] and accepted > row["response_due"] and rng.random() < 0.6:
            # Missed the response clock: the worker escalated it one level first.
            timeline.escalate(row["response_due"], self.units[row["owner_unit_id"]].parent_id)
        timeline.accept(accepted, party, actor)
        span = row["resolution_due"] - accepted
        contact = accepted + timedelta(minutes=rng.uniform(5, 90))
        timeline.contact(contact, party, actor)
        late = rng.random() < 0.08
        resolved = max(
            contact + timedelta(minutes=10),
            accepted + span * (rng.uniform(1.05, 2.5) if late else rng.uniform(0.05, 0.95)),
        )
        row["next_escalation_at"] = None
        timeline.add(resolved, Action.RESOLVE, party, actor, to=Status.RESOLVED, note="已处理完毕")
        row["resolved_at"] = resolved
        fate = rng.random()
        if fate < 0.07 or not place.resident_id:
            closed = resolved + timedelta(days=7, minutes=1)
            timeline.add(closed, Action.AUTO_CLOSE, Party.SYSTEM, to=Status.CLOSED)
            row.update(closed_at=closed, auto_closed=True)
            return
        rated = resolved + timedelta(hours=rng.uniform(0.5, 72))
        rating = rng.choices(RATING_CHOICES[0], cum_weights=RATING_CHOICES[1])[0]
        row.update(rating=rating, rated_at=rated)
        if rating != Rating.DISSATISFIED:
            timeline.add(
                rated,
                Action.RATE,
                Party.RESIDENT,
                to=Status.CLOSED,
                data={"rating": rating, "tags": []},
            )
            row["closed_at"] = rated
            return
        timeline.add(rated, Action.RATE, Party.RESIDENT, data={"rating": rating, "tags": []})
        row["followup_needed"] = True
        followed = rated + timedelta(hours=rng.uniform(2, 48))
        community_staff = self.staff.get(place.community_id)
        who = rng.choice(community_staff) if community_staff else None
        solved = rng.random() < 0.7
        timeline.add(
            followed,
            Action.FOLLOW_UP,
            Party.COMMUNITY,
            who,
            public=False,
            data={"solved": solved, "satisfied": False},
        )
        row.update(followed_up_at=followed, followup_solved=solved, followup_needed=False)
        closed = followed + timedelta(minutes=5)
        timeline.add(closed, Action.CLOSE, Party.COMMUNITY, who, to=Status.CLOSED)
        row["closed_at"] = closed

    def _write(self, model, rows: list[dict]) -> None:
        if not rows:
            return
        columns = [f.column for f in model._meta.concrete_fields]
        attnames = [f.attname for f in model._meta.concrete_fields]
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if self.sqlite:
                converters = [
                    (n, c)
                    for n, c in enumerate(map(_sqlite_converter, model._meta.concrete_fields))
                    if c
                ]
                values = []
                for row in rows:
                    value = [row[a] for a in attnames]
                    for n, convert in converters:
                        value[n] = convert(value[n])
                    values.append(value)
                cursor.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) "
                    f"VALUES ({', '.join(['%s'] * len(columns))})",
                    values,
                )
            else:
                json_fields = {
                    f.attname
                    for f in model._meta.concrete_fields
                    if f.get_internal_type() == "JSONField"
                }
                with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(
                            [
                                json.dumps(row[a], ensure_ascii=False)
                                if a in json_fields
                                else row[a]
                                for a in attnames
                            ]
                        )

    def _counters(self) -> None:
        existing = set(TrackingCounter.objects.values_list("prefix", "day"))
        TrackingCounter.objects.bulk_create(
            [
                TrackingCounter(prefix=p, day=d, last=n)
                for (p, d), n in self.counters.items()
                if (p, d) not in existing
            ],
            batch_size=5000,
        )
        for (p, d), n in self.counters.items():
            if (p, d) in existing:
                TrackingCounter.objects.filter(prefix=p, day=d).update(last=n)

    def _finish(self) -> None:
        with connection.cursor() as cursor:
            if self.sqlite:
                cursor.execute("ANALYZE")
                return
            for model in (Case, CaseEvent, Participant, Tally):
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
                )
                cursor.execute(f"ANALYZE {table}")


class _Timeline:
    """Appends events to one generated case, chaining statuses as the services do."""

    def __init__(self, generator: Generator, row: dict, events: list):
        self.g, self.row, self.events = generator, row, events
        self.actions: list[str] = []
        self.last = row["created_at"]

    def add(
        self, at, action, party, actor=None, *, to=None, note="", public=True, unit=None, data=None
    ):
        row = self.row
        self.g.event_id += 1
        from_status = "" if action == Action.SUBMIT else row["status"]
        if to:
            row["status"] = to
        self.events.append(
            {
                "id": self.g.event_id,
                "case_id": row["id"],
                "at": at,
                "actor_id": actor,
                "party": party,
                "action": action,
                "from_status": from_status,
                "to_status": row["status"],
                "note": note,
                "public": public,
                "community_only": False,
                "unit_id": unit,
                "data": data or {},
            }
        )
        self.actions.append(action)
        self.last = max(self.last, at)

    def accept(self, at, party, actor) -> None:
        self.add(at, Action.ACCEPT, party, actor, to=Status.ACCEPTED)
        self.row["accepted_at"] = at

    def contact(self, at, party, actor) -> None:
        self.add(
            at, Action.FIRST_CONTACT, party, actor, to=Status.IN_PROGRESS, note="已电话联系居民"
        )
        self.row["first_contact_at"] = at

    def escalate(self, at, upper_id) -> None:
        row = self.row
        self.add(
            at,
            Action.ESCALATE,
            Party.SYSTEM,
            public=False,
            unit=upper_id,
            data={"missed": "response", "from": row["owner_unit_id"], "to": upper_id},
        )
        row.update(owner_unit_id=upper_id, level=row["level"] + 1)
        row["escalation_count"] += 1


def _sqlite_converter(field):
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return _sqlite_datetime
    if kind == "JSONField":
        return lambda v: json.dumps(v, ensure_ascii=False)
    if kind == "BooleanField":
        return lambda v: None if v is None else int(v)
    return None


def _sqlite_datetime(value):
    """How Django stores an aware datetime in SQLite: naive UTC text."""
    if value is None:
        return None
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.isoformat(" ")[:-6]


def _drop_indexes(models) -> list[str]:
    """Secondary indexes slow a bulk load down many times: drop them, return how to rebuild."""
    tables = [m._meta.db_table for m in models]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                f"AND tbl_name IN ({', '.join(['%s'] * len(tables))})",
                tables,
            )
        else:
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
                [tables],
            )
        found = cursor.fetchall()
        for name, _sql in found:
            cursor.execute(f'DROP INDEX "{name}"')
    return [sql for _name, sql in found]


def _create_indexes(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # inside an outer transaction: check FKs first
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for sql in statements:
            cursor.execute(sql)
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
