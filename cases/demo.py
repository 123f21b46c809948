"""A year of demo cases for the demo community, written through the case services.

`seed_cases` simulates twelve months of the back office: residents report problems (by season,
item and estate), the right staff accept, call back, dispatch, reply and resolve, residents
rate, the community follows up, the worker escalates what misses a clock and closes what nobody
rated. Every step is a service call with `now=` at its historical moment, in time order, so
every timeline is real. Deterministic (fixed seed) and idempotent (nothing if cases exist).
"""

import heapq
import itertools
import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cases import notify, services, worker
from cases.models import (
    OPEN_STATUSES,
    Action,
    Case,
    CaseEvent,
    Channel,
    Notification,
    OutboxMessage,
    Party,
    Rating,
    ReturnReason,
    Status,
)
from catalog.clock import parse_periods
from catalog.models import WORKING_UNITS, Item, Priority
from catalog.selectors import is_workday
from orgs.models import Building, Estate, Household, OrgUnit, Unit, User
from orgs.roles import Role
from orgs.selectors import scope_for
from residents.demo import DEMO_RESIDENT_MOBILE
from residents.models import HouseholdTie, Resident

# ---------------------------------------------------------------------------------------------
# The story tables (`demo_stories.json`, beside this file), as plain data:
# - appeals: item → [weight, winter factor, summer factor, [typical hours to resolve]];
#   services: item → [weight, winter factor, summer factor];
# - ask: item → [[scope, template]] of what residents write; scopes: "home" (a household),
#   "building" (a building), "spot" (a public place, no building). Tokens: {b} building, {bu}
#   building+unit, {home} full address, {f} floor, {spot} a public place, {dur} how long
#   already; service_ask and service_done: what a booking says, and how it ended ({when});
# - reply (by kind of work), kind_of (item → kind), done (item → the resolution, {where}),
#   contact_notes, internal_notes, resident_replies, return_notes, extension_reasons, comments
#   and tags (by rating): what staff and residents write;
# - technical, returnable, transferable, whistle, building_wide: which items go to a
#   technician, come back for a ruling, pass to the community, call other units in, or affect
#   a whole building (with the chance of each);
# - month_volume, hours: how many cases come in by month and by hour of the day;
# - fates, fate_age_hours, fate_items: the forced end states of the most recent cases (every
#   open state is on show), how old each is, and their items.

STORIES = json.loads((Path(__file__).parent / "demo_stories.json").read_text(encoding="utf-8"))
APPEALS = STORIES["appeals"]
SERVICES = STORIES["services"]
ASK = STORIES["ask"]
SERVICE_ASK = STORIES["service_ask"]
SERVICE_DONE = STORIES["service_done"]
REPLY = STORIES["reply"]
KIND_OF = STORIES["kind_of"]
TECHNICAL = frozenset(STORIES["technical"])
RETURNABLE = STORIES["returnable"]
TRANSFERABLE = STORIES["transferable"]
WHISTLE = STORIES["whistle"]
BUILDING_WIDE = STORIES["building_wide"]
DONE = STORIES["done"]
SPOTS = STORIES["spots"]
DURATIONS = STORIES["durations"]
TAILS = STORIES["tails"]
CONTACT_NOTES = STORIES["contact_notes"]
INTERNAL_NOTES = STORIES["internal_notes"]
RESIDENT_REPLIES = STORIES["resident_replies"]
RETURN_NOTES = STORIES["return_notes"]  # by ReturnReason
EXTENSION_REASONS = STORIES["extension_reasons"]
COMMENTS = STORIES["comments"]  # by Rating
TAGS = STORIES["tags"]  # by Rating
MONTH_VOLUME = {int(month): volume for month, volume in STORIES["month_volume"].items()}
HOURS = STORIES["hours"]
FATES = STORIES["fates"]
FATE_AGE_HOURS = STORIES["fate_age_hours"]
FATE_ITEMS = STORIES["fate_items"]

WINTER = (11, 12, 1, 2, 3)
SUMMER = (6, 7, 8, 9)


def _weight(code: str, table: dict, day: datetime) -> float:
    if code == "RB21":  # Qingdao heats from mid-November to early April
        if (day.month, day.day) >= (11, 12) or day.month <= 3:
            return 16 if day.month in (11, 12) else 10
        return 0
    base, winter, summer = table[code][:3]
    return base * (winter if day.month in WINTER else summer if day.month in SUMMER else 1)


def _m(minutes: float) -> timedelta:
    return timedelta(minutes=minutes)


def _h(hours: float) -> timedelta:
    return timedelta(hours=hours)


def _ceil_minute(t: datetime) -> datetime:
    floor = t.replace(second=0, microsecond=0)
    return floor if floor == t else floor + timedelta(minutes=1)


def _daytime(t: datetime, rng: random.Random, start=8, end=20) -> datetime:
    """Move `t` into the working part of the day (local time) if it falls at night."""
    local = timezone.localtime(t)
    if start <= local.hour < end:
        return t
    day = local if local.hour >= start else local - timedelta(days=1)
    morning = (day + timedelta(days=1)).replace(hour=start, minute=0, second=0, microsecond=0)
    return morning + _m(rng.uniform(0, 90))


def _booking_time(t: datetime, item, rng: random.Random) -> datetime:
    """A time on `t`'s day (or the next) inside the item's booking hours, as residents ask."""
    if not item.booking_hours:
        return _daytime(t, rng, start=9, end=19)
    start, end = rng.choice(parse_periods(item.booking_hours))
    local = timezone.localtime(t)
    span = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    minutes = start.hour * 60 + start.minute + rng.randrange(0, max(1, span - 30), 15)
    chosen = local.replace(hour=minutes // 60, minute=minutes % 60, second=0, microsecond=0)
    return chosen if chosen > local else chosen + timedelta(days=1)


# ---------------------------------------------------------------------------------------------
# The world as loaded once: structure, people, catalogue and staff.


class _World:
    def __init__(self):
        self.units = {u.pk: u for u in OrgUnit.objects.all()}
        for unit in self.units.values():
            unit.parent = self.units.get(unit.parent_id)
        self.estates = list(Estate.objects.select_related("company").order_by("id"))
        for estate in self.estates:
            estate.community = self.units[estate.community_id]
        estates = {e.pk: e for e in self.estates}
        buildings = {b.pk: b for b in Building.objects.all()}
        for building in buildings.values():
            building.microgrid = self.units[building.microgrid_id]
            building.estate = estates[building.estate_id]
        units = {u.pk: u for u in Unit.objects.all()}
        for unit in units.values():
            unit.building = buildings[unit.building_id]
        self.households = {}
        for household in Household.objects.all():
            household.unit = units[household.unit_id]
            self.households[household.pk] = household
        self.people = {}  # household id -> [resident id], the head of the household first
        ties = HouseholdTie.objects.order_by("id")
        for household_id, resident_id in ties.values_list("household_id", "resident_id"):
            self.people.setdefault(household_id, []).append(resident_id)
        self.homes = {e.pk: [] for e in self.estates}  # inhabited households per estate
        for household_id in sorted(self.people):
            household = self.households[household_id]
            self.homes[household.unit.building.estate_id].append(household)
        self.born = dict(Resident.objects.values_list("id", "birth_date"))
        self.items = {
            i.code: i
            for i in Item.objects.filter(is_active=True)
            .exclude(kind=Item.Kind.INFO)
            .select_related("sla", "domain")
        }
        self.demo_resident = Resident.objects.filter(mobile=DEMO_RESIDENT_MOBILE).first()
        self.cast = _Cast()

    @property
    def ready(self) -> bool:
        return bool(self.items and any(self.homes.values()) and self.cast.users)


class _Cast:
    """The demo staff, with their scopes, and who covers which place in which role."""

    def __init__(self):
        self.users = list(
            User.objects.filter(memberships__is_active=True, is_active=True)
            .distinct()
            .order_by("username")
        )
        self.scopes = {u.pk: scope_for(u) for u in self.users}
        self._cache = {}

    def covering(self, *, area_path: str, company_id, roles) -> list[User]:
        key = (area_path, company_id, tuple(roles))
        if key not in self._cache:
            found = []
            for user in self.users:
                scope = self.scopes[user.pk]
                if scope.primary_role not in roles:
                    continue
                paths = scope.partner_paths if scope.primary_role == Role.PARTNER else ()
                paths = paths or scope.org_paths
                if company_id in scope.company_ids or any(area_path.startswith(p) for p in paths):
                    found.append(user)
            self._cache[key] = found
        return self._cache[key]


@dataclass
class _Crew:
    """Who acts on one case, by role."""

    desk: list  # property manager and staff
    tech: list
    managers: list
    grid: list  # micro-grid leader and grid worker
    community: list  # community staff
    secretary: list
    subdistrict: list
    partner: list

    @property
    def routers(self) -> list:
        return self.community + self.secretary


@dataclass
class _Story:
    n: int
    rng: random.Random
    created: datetime
    item: Item
    estate: Estate
    household: Household
    resident_id: int
    channel: str
    fate: str = "normal"
    primary: "_Story | None" = None
    case: Case | None = None
    preferred: datetime | None = None
    next_at: datetime | None = None
    gen: object = None
    tokens: dict = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# The simulation


STORY, TICK = 0, 1


class _Simulation:
    def __init__(self, world: _World, rng: random.Random, today: datetime):
        self.w = world
        self.rng = rng
        self.today = today
        self.start = today - timedelta(days=365)
        self.heap = []
        self.seq = itertools.count()
        self.ticks = set()
        self.clock = self.start
        self.by_case = {}
        self.created = 0
        self.residents = {}
        cast = world.cast
        self.handled, self.unhandled = [], []
        for estate in world.estates:
            if not world.homes[estate.pk]:
                continue
            path = estate.community.path
            company = estate.company_id
            desk = cast.covering(
                area_path=path,
                company_id=company,
                roles=(Role.PROPERTY_MANAGER, Role.PROPERTY_STAFF),
            )
            community = cast.covering(
                area_path=path,
                company_id=None,
                roles=(Role.COMMUNITY_STAFF, Role.COMMUNITY_SECRETARY),
            )
            if community and (desk or not company):
                self.handled.append(estate)
            else:
                self.unhandled.append(estate)

    # -- planning -----------------------------------------------------------------------------

    def plan(self, count: int) -> list[_Story]:
        """About `count` stories in time order: the year's reports by season, a few for the
        demo resident, neighbours' duplicates, the forced end states of the last weeks, and
        the estates nobody in the demo covers."""
        if not self.handled:
            return []
        n_unhandled = min(count // 150, count) if self.unhandled else 0
        n_forced = min(max(12, count // 100), count - n_unhandled)
        n_dups = (count - n_unhandled - n_forced) // 50
        n_normal = count - n_unhandled - n_forced - n_dups
        days = [self.start + timedelta(days=d) for d in range(366)]
        weights = [
            MONTH_VOLUME[timezone.localtime(d).month]
            * (1 if is_workday(timezone.localdate(d)) else 0.85)  # fewer on days off
            for d in days
        ]
        stories = []
        for _ in range(n_normal):
            stories.append(self._story(self._when(days, weights)))
        stories.sort(key=lambda s: s.created)
        demo, demo_home = self._demo_home()
        if demo_home is not None:
            self._give_demo_resident(stories, demo, demo_home)
        made = self._add_duplicates(stories, n_dups)
        for _ in range(n_dups - made):
            stories.append(self._story(self._when(days, weights)))
        self._add_forced(stories, n_forced, demo, demo_home)
        self._add_unhandled(stories, n_unhandled)
        stories.sort(key=lambda s: (s.created, s.n))
        return stories

    def _demo_home(self):
        """The demo resident and her home, if it is in an estate someone in the demo covers."""
        demo = self.w.demo_resident
        demo_home = None
        if demo is not None:
            demo_home = next(
                (self.w.households[h] for h, people in self.w.people.items() if demo.pk in people),
                None,
            )
        if demo_home is not None and demo_home.unit.building.estate not in self.handled:
            demo_home = None
        return demo, demo_home

    def _give_demo_resident(self, stories, demo, demo_home) -> None:
        """The demo resident has a history of her own."""
        for k in range(1, min(5, len(stories) // 40) + 1):
            index = len(stories) * k // 6
            stories[index] = self._story(
                stories[index].created,
                household=demo_home,
                resident_id=demo.pk,
                channel=Channel.WEB,
            )

    def _add_duplicates(self, stories, wanted: int) -> int:
        """A neighbour reports the same building-wide problem shortly after; how many did."""
        rng = self.rng
        primaries = [
            s
            for s in stories
            if s.item.code in BUILDING_WIDE and s.tokens.get("scope") == "building"
        ]
        made = 0
        for primary in rng.sample(primaries, min(wanted, len(primaries))):
            building = primary.household.unit.building
            neighbours = [
                h
                for h in self.w.homes[primary.estate.pk]
                if h.unit.building_id == building.pk and h.pk != primary.household.pk
            ]
            created = primary.created + _m(rng.uniform(10, 240))
            if not neighbours or created >= self.today:
                continue
            made += 1
            dup = self._story(
                created,
                household=rng.choice(neighbours),
                item=primary.item,
                channel=Channel.WEB,
            )
            dup.primary = primary
            stories.append(dup)
        return made

    def _add_forced(self, stories, count: int, demo, demo_home) -> None:
        """The most recent weeks: forced end states (two of them the demo resident's)."""
        rng = self.rng
        for k in range(count):
            fate = FATES[k % len(FATES)]
            low, high = FATE_AGE_HOURS[fate]
            created = self.today - _h(rng.uniform(low, high))
            item = self.w.items.get(rng.choice(FATE_ITEMS))
            mine = demo_home is not None and k in (3, 6)
            story = self._story(
                created,
                item=item,
                channel=Channel.WEB,
                fate=fate,
                household=demo_home if mine else None,
                resident_id=demo.pk if mine else None,
            )
            stories.append(story)

    def _add_unhandled(self, stories, count: int) -> None:
        """Reports from the estates nobody in the demo covers."""
        rng = self.rng
        for _ in range(count):
            created = self.today - _h(rng.uniform(2, 24 * 30))
            estate = rng.choice(self.unhandled)
            item = self.w.items.get(rng.choice(FATE_ITEMS))
            stories.append(
                self._story(
                    created, estate=estate, item=item, channel=Channel.WEB, fate="unhandled"
                )
            )

    def _when(self, days, weights) -> datetime:
        rng = self.rng
        while True:
            day = timezone.localtime(rng.choices(days, weights)[0])
            hour = rng.choices(range(24), HOURS)[0]
            at = day.replace(hour=hour, minute=0, second=0, microsecond=0)
            at += timedelta(seconds=rng.randrange(3600))
            if self.start < at < self.today - _m(10):
                return at

    def _story(
        self,
        created,
        *,
        estate=None,
        household=None,
        resident_id=None,
        item=None,
        channel=None,
        fate="normal",
    ) -> _Story:
        rng = self.rng
        w = self.w
        if household is not None:
            estate = household.unit.building.estate
        if estate is None:
            estate = self._pick_estate()
        if household is None:
            household = rng.choice(w.homes[estate.pk])
        if resident_id is None:
            resident_id = self._pick_resident(household, created)
        if item is None:
            item = self._pick_item(created)
        age = self._age(resident_id, created)
        if channel is None:
            elderly = age >= 65
            channel = rng.choices(
                [Channel.WEB, Channel.PHONE, Channel.WALK_IN, Channel.DOOR_KNOCK],
                [45, 30, 15, 10] if elderly else [78, 12, 6, 4],
            )[0]
        story = _Story(
            n=next(self.seq),
            rng=random.Random(rng.random()),
            created=created,
            item=item,
            estate=estate,
            household=household,
            resident_id=resident_id,
            channel=channel,
            fate=fate,
        )
        story.tokens = self._text(story)
        return story

    def _pick_estate(self) -> Estate:
        weights = [{"fcl": 55, "hcy": 45}.get(e.code, 5 if e.code else 1) for e in self.handled]
        return self.rng.choices(self.handled, weights)[0]

    def _pick_item(self, created) -> Item:
        rng = self.rng
        local = timezone.localtime(created)
        table = SERVICES if rng.random() < 0.15 else APPEALS
        codes = [c for c in table if c in self.w.items]
        if not codes:
            codes = [c for c in APPEALS if c in self.w.items] or sorted(self.w.items)
            table = APPEALS
        weights = [_weight(c, table, local) if c in table else 1 for c in codes]
        if not any(weights):
            weights = [1] * len(codes)
        return self.w.items[rng.choices(codes, weights)[0]]

    def _age(self, resident_id, created) -> int:
        born = self.w.born.get(resident_id)
        return (created.date() - born).days // 365 if born else 40

    def _pick_resident(self, household, created) -> int:
        people = self.w.people[household.pk]
        adults = [r for r in people if self._age(r, created) >= 18] or people
        return adults[0] if self.rng.random() < 0.6 else self.rng.choice(adults)

    def _text(self, s: _Story) -> dict:
        rng = s.rng
        h = s.household
        building = h.unit.building
        tokens = {
            "b": building.name,
            "bu": f"{building.name}{h.unit.name}",
            "home": f"{building.name}{h.unit.name}{h.number}",
            "f": f"{h.floor}楼",
            "spot": rng.choice(SPOTS),
            "dur": rng.choice(DURATIONS),
        }
        if s.item.kind == Item.Kind.SERVICE:
            s.preferred = _booking_time(
                s.created + _h(rng.choice([18, 24, 26, 44, 48, 50]) + rng.uniform(-2, 2)),
                s.item,
                rng,
            )
            tokens["when"] = self._when_text(s.created, s.preferred)
            template = SERVICE_ASK.get(s.item.code, "想预约{item}服务，{when}在家，麻烦安排")
            text = template.format(item=s.item.name, **tokens) + "。"
            return tokens | {"scope": "home", "description": text, "where": tokens["home"]}
        s.preferred = None
        scope, template = rng.choice(
            ASK.get(s.item.code) or [("building", "{bu}的" + s.item.name + "问题，{dur}")]
        )
        text = template.format(**tokens)
        if rng.random() < 0.4:
            text += "，" + rng.choice(TAILS)
        elif not text.endswith(("！", "。")):
            text += "。"
        where = {"home": tokens["home"], "building": tokens["bu"], "spot": tokens["spot"]}
        return tokens | {"scope": scope, "description": text, "where": where[scope]}

    @staticmethod
    def _when_text(created, preferred) -> str:
        a, b = timezone.localtime(created), timezone.localtime(preferred)
        days = (b.date() - a.date()).days
        day = {0: "今天", 1: "明天", 2: "后天"}.get(days, f"{b.month}月{b.day}日")
        return day + ("上午" if b.hour < 12 else "下午" if b.hour < 18 else "晚上")

    # -- resident accounts --------------------------------------------------------------------

    def accounts(self, stories: list[_Story]) -> None:
        """Residents who report on the web or rate have signed in once: they have an account
        (as the one-time-code sign-in would have created it) and consented on that day."""
        first = {}
        for s in stories:
            first.setdefault(s.resident_id, s)
        residents = {r.pk: r for r in Resident.objects.filter(pk__in=first)}
        web = {s.resident_id for s in stories if s.channel == Channel.WEB}
        wanted = {rid for rid in first if rid in web or random.Random(f"{rid}").random() < 0.5}
        wanted = sorted(rid for rid in wanted if residents[rid].user_id is None)
        existing = {
            u.username: u
            for u in User.objects.filter(username__in=[f"resident-{rid}" for rid in wanted])
        }
        new = []
        for rid in wanted:
            resident = residents[rid]
            joined = first[rid].created - _m(first[rid].rng.uniform(1, 20))
            user = existing.get(f"resident-{rid}") or User(
                username=f"resident-{rid}",
                full_name=resident.name,
                password=make_password(None),
                date_joined=joined,
            )
            if user.pk is None:
                new.append(user)
            resident.user = user
            resident.consent_at = resident.consent_at or joined
        User.objects.bulk_create(new, batch_size=500)
        for rid in wanted:  # now that the new users have primary keys
            resident = residents[rid]
            resident.user = resident.user  # sets user_id, keeps the cached user
        Resident.objects.bulk_update(
            [residents[rid] for rid in wanted], ["user", "consent_at"], batch_size=500
        )
        for user in self.w.cast.users:
            scope_for(user)
        self.residents = residents
        for s in stories:
            if s.channel == Channel.WEB and residents[s.resident_id].user_id is None:
                s.channel = Channel.PHONE

    # -- running ------------------------------------------------------------------------------

    def run(self, stories: list[_Story]) -> None:
        for s in stories:
            s.gen = self._life(s)
            self._push(next(s.gen), STORY, s)
        while self.heap:
            at, _seq, kind, story = heapq.heappop(self.heap)
            self.clock = at
            if kind == TICK:
                self._escalate(at)
            else:
                self._resume(story, at)

    def _push(self, at, kind, story):
        heapq.heappush(self.heap, (at, next(self.seq), kind, story))

    def _resume(self, s: _Story, at: datetime) -> None:
        try:
            nxt = s.gen.send(at)
        except StopIteration:
            nxt = None
        if nxt is not None:
            nxt = max(nxt, at)
            if nxt > self.today:
                s.gen.close()
                nxt = None
            else:
                self._push(nxt, STORY, s)
        s.next_at = nxt
        self._watch(s)

    def _watch(self, s: _Story) -> None:
        """If the case will miss a clock before its next step, the worker will notice."""
        case = s.case
        if case is None or case.status not in OPEN_STATUSES:
            return
        due = case.next_escalation_at
        if due is None or (s.next_at is not None and s.next_at <= due):
            return
        tick = max(_ceil_minute(due), _ceil_minute(self.clock + timedelta(seconds=1)))
        if tick <= self.today and tick not in self.ticks:
            self.ticks.add(tick)
            self._push(tick, TICK, None)

    def _escalate(self, at: datetime) -> None:
        if not worker.escalate_due(now=at):
            return
        ids = CaseEvent.objects.filter(action=Action.ESCALATE, at=at).values_list(
            "case_id", flat=True
        )
        fields = ["version", "level", "escalation_count", "next_escalation_at", "updated_at"]
        rows = Case.objects.filter(pk__in=list(ids)).values("pk", "owner_unit_id", *fields)
        for row in rows:
            s = self.by_case[row["pk"]]
            for name in fields:
                setattr(s.case, name, row[name])
            s.case.owner_unit = self.w.units[row["owner_unit_id"]]
            self._watch(s)

    # -- one case's life ----------------------------------------------------------------------

    def _crew(self, case: Case) -> _Crew:
        cast = self.w.cast
        path, company = case.area_path, case.company_id

        def who(*roles, company_id=None):
            return cast.covering(area_path=path, company_id=company_id, roles=roles)

        return _Crew(
            desk=who(Role.PROPERTY_STAFF, Role.PROPERTY_MANAGER, company_id=company),
            tech=who(Role.TECHNICIAN, company_id=company),
            managers=who(Role.PROPERTY_MANAGER, company_id=company),
            grid=who(Role.MICROGRID_LEADER, Role.GRID_WORKER),
            community=who(Role.COMMUNITY_STAFF),
            secretary=who(Role.COMMUNITY_SECRETARY),
            subdistrict=who(Role.SUBDISTRICT_STAFF),
            partner=who(Role.PARTNER),
        )

    def _submit(self, s: _Story, t: datetime) -> Case:
        resident = self.residents[s.resident_id]
        household = s.household
        building = household.unit.building
        scope = s.tokens["scope"]
        if s.channel == Channel.WEB:
            creator = resident.user
        else:
            area = building.microgrid.path if scope != "spot" else s.estate.community.path
            crew = self.w.cast.covering(
                area_path=area,
                company_id=None,
                roles=(
                    (Role.MICROGRID_LEADER, Role.GRID_WORKER)
                    if s.channel == Channel.DOOR_KNOCK
                    else (Role.COMMUNITY_STAFF, Role.GRID_WORKER, Role.MICROGRID_LEADER)
                ),
            ) or self.w.cast.covering(
                area_path=area,
                company_id=None,
                roles=(Role.COMMUNITY_STAFF, Role.COMMUNITY_SECRETARY),
            )
            creator = s.rng.choice(crew) if crew else resident.user
            if creator is None:
                s.channel, creator = Channel.PHONE, None
        case = services.case_submit(
            item=s.item,
            description=s.tokens["description"],
            channel=s.channel,
            created_by=creator,
            estate=s.estate,
            resident=resident,
            building=building if scope != "spot" else None,
            household=household if scope == "home" else None,
            location_text=s.tokens["spot"] if scope == "spot" else "",
            preferred_time=s.preferred,
            now=t,
        )
        # Nothing is merged into a new case yet: spare the notifications that query.
        duplicates = Case.objects.filter(merged_into=case)
        duplicates._result_cache, duplicates._prefetch_done = [], True
        case._prefetched_objects_cache = {"duplicates": duplicates}
        s.case = case
        self.by_case[case.pk] = s
        self.created += 1
        return case

    def _life(self, s: _Story):
        """The generator of one case's steps: it yields when its next step is due and is
        resumed at that moment (with the time), in global time order."""
        t = yield s.created
        case = self._submit(s, t)
        rng = s.rng
        crew = self._crew(case)
        if s.fate == "fresh":
            return
        if s.fate == "unhandled":
            yield from self._unhandled(s, case, crew, t)
            return
        if s.primary is not None and crew.routers:
            t = yield t + _m(rng.uniform(15, 100))
            into = s.primary.case
            if into is not None and into.status in OPEN_STATUSES:
                router = rng.choice(crew.routers)
                services.case_merge(case=case, into=into, actor=router, now=t)
                into._prefetched_objects_cache["duplicates"]._result_cache.append(case)
                return
        yield from self._handle(s, case, crew, t)

    def _unhandled(self, s, case, crew, t):
        """Nobody in the demo works here: the ladder takes it up, the subdistrict presses."""
        rng = s.rng
        if not crew.subdistrict or rng.random() < 0.4:
            return
        boss = rng.choice(crew.subdistrict)
        t = yield _daytime(t + _h(rng.uniform(7, 30)), rng, start=9, end=18)
        services.case_supervise(
            case=case,
            actor=boss,
            due=t + _h(rng.choice([24, 48, 72])),
            note="请物业公司和社区尽快办结并回复居民",
            now=t,
        )
        if rng.random() < 0.5:
            t = yield t + _m(rng.uniform(5, 60))
            services.case_reply(
                case=case, actor=boss, text="街道已督办，已要求物业公司尽快上门处理", now=t
            )

    def _accept_at(self, s, case, t) -> datetime:
        rng = s.rng
        emergency = case.priority == Priority.EMERGENCY
        if not emergency and case.sla.response_unit in WORKING_UNITS:
            t = _daytime(t, rng)  # its clock waits for the morning, and so does the desk
        due = case.response_due or (t + (case.resolution_due - t) * 0.3)
        window = max((due - t).total_seconds() / 60, 2)
        if s.fate == "normal" and rng.random() < (0.05 if emergency else 0.03):
            return due + _m(rng.uniform(5, 40) if emergency else rng.uniform(10, 300))
        typical = rng.uniform(2, 20) if emergency else rng.triangular(4, 110, 20)
        if s.fate != "normal":
            typical = rng.uniform(3, 25)
        return t + _m(min(typical, window * rng.uniform(0.5, 0.95)))

    def _handle(self, s: _Story, case: Case, crew: _Crew, t: datetime):
        """A case from routing to the resident's verdict. Each step is a generator of the
        moments its actions happen; a step that ends the story there returns None."""
        rng = s.rng
        normal = s.fate == "normal"
        emergency = case.priority == Priority.EMERGENCY
        side = "company" if case.lead_party == Party.PROPERTY_COMPANY else "community"
        if side == "company" and not crew.desk:
            side = "community"
        routed = yield from self._route(s, case, crew, side, t)
        if routed is None:
            return
        t, side = routed
        handler, worker_ = self._handler(s, crew, side)
        if s.fate == "unaccepted":
            yield from self._press_unaccepted(s, case, crew, t)
            return
        t = yield self._accept_at(s, case, t)
        services.case_accept(case=case, actor=handler, now=t)
        if s.fate == "accepted":
            return
        t, side, handler, worker_ = yield from self._pass_on(
            s, case, crew, side, handler, worker_, t
        )

        t = yield t + _m(rng.uniform(1, 10) if emergency else rng.uniform(5, 60))
        notes = CONTACT_NOTES["emergency" if emergency else side]
        services.case_first_contact(case=case, actor=handler, note=rng.choice(notes), now=t)
        finish = self._finish_at(s, case, t)
        # Dispatch to who does the work.
        if worker_ is not handler and worker_ is not None:
            t = yield t + min(_m(rng.uniform(5, 60)), (finish - t) * 0.3)
            services.case_assign(case=case, actor=handler, assignee=worker_, now=t)
        else:
            worker_ = handler
        t = yield from self._work(s, case, crew, side, handler, worker_, t, finish)
        if s.fate in ("in_progress", "overdue"):
            return
        if s.fate == "extension" or (
            normal and not emergency and case.resolution_due - t > _h(30) and rng.random() < 0.03
        ):
            t, finish = yield from self._extension(s, case, crew, worker_, t, finish)
            if s.fate == "extension":
                return
        t = yield from self._supervise(s, case, crew, t, finish)
        if s.fate == "supervised":
            return

        t = yield max(finish, t + _m(5))
        services.case_resolve(case=case, actor=worker_, note=self._done_text(s, case), now=t)
        if s.fate == "resolved":
            return
        yield from self._verdict(s, case, crew, side, handler, worker_, t)

    def _route(self, s, case, crew, side, t):
        """Routing before anyone signs for it: a paid repair goes to the company's desk, a
        misrouted case comes back for a ruling. Returns (t, side), or None: the story ends."""
        rng = s.rng
        item = s.item
        if (
            case.kind == Case.Kind.SERVICE_REQUEST
            and item.provider == Item.Provider.PROPERTY_COMPANY
            and crew.desk
            and crew.community
        ):
            t = yield t + _m(rng.uniform(5, 40))
            services.case_transfer(
                case=case,
                actor=rng.choice(crew.community),
                company=case.company,
                note="属于物业有偿维修服务，已转物业服务中心派单",
                now=t,
            )
            return t, "company"
        if (
            side == "company"
            and crew.routers
            and (
                s.fate == "returned"
                or (s.fate == "normal" and rng.random() < RETURNABLE.get(item.code, 0.01))
            )
        ):
            return (yield from self._return_for_ruling(s, case, crew, t))
        return t, side

    def _return_for_ruling(self, s, case, crew, t):
        """The company's desk returns the case; the back office rules who acts (None: the
        returned fate waits for its ruling)."""
        rng = s.rng
        item = s.item
        t = yield t + _m(rng.uniform(10, 90))
        reason = {
            "RB08": ReturnReason.OVERLAPPING_DUTIES,
            "RB13": ReturnReason.OVERLAPPING_DUTIES,
        }.get(item.code) or rng.choice(
            [
                ReturnReason.OWNERSHIP_UNCLEAR,
                ReturnReason.OWNERSHIP_UNCLEAR,
                ReturnReason.WRONG_LOCATION,
            ]
        )
        services.case_return(
            case=case,
            actor=rng.choice(crew.desk),
            reason=reason,
            note=RETURN_NOTES[reason],
            now=t,
        )
        if s.fate == "returned":
            return None
        t = yield _daytime(t + _h(rng.uniform(0.5, 20)), rng, start=8, end=18)
        to_community = rng.random() < (0.7 if item.code in ("RB08", "RB13", "RB26") else 0.3)
        services.case_rule_return(
            case=case,
            actor=rng.choice(crew.routers),
            org_unit=s.estate.community if to_community else None,
            company=None if to_community else case.company,
            note="经研判由社区牵头处理，物业配合"
            if to_community
            else "经核实属于物业服务范围，请物业按时办结",
            now=t,
        )
        return t, "community" if to_community else "company"

    def _press_unaccepted(self, s, case, crew, t):
        """Nobody signs for it: the secretary supervises."""
        if crew.secretary:
            t = yield t + _h(s.rng.uniform(6, 8))
            services.case_supervise(
                case=case,
                actor=s.rng.choice(crew.secretary),
                due=t + _h(24),
                note="超时未受理，请立即受理并回复居民",
                now=t,
            )

    def _pass_on(self, s, case, crew, side, handler, worker_, t):
        """A matter for the other side, passed on after signing for it, and signed for there.
        Returns (t, side, handler, worker)."""
        rng = s.rng
        if (
            s.fate == "normal"
            and side == "company"
            and crew.community
            and rng.random() < TRANSFERABLE.get(s.item.code, 0)
        ):
            t = yield t + _m(rng.uniform(10, 120))
            services.case_transfer(
                case=case,
                actor=handler,
                org_unit=s.estate.community,
                note="该问题属于邻里矛盾，需社区出面调解，已转社区",
                now=t,
            )
            side = "community"
            handler, worker_ = self._handler(s, crew, side)
            t = yield self._accept_at(s, case, t)
            services.case_accept(case=case, actor=handler, now=t)
        return t, side, handler, worker_

    def _finish_at(self, s, case, t) -> datetime:
        """When the work is done: by the item's usual pace, the booked time, or late."""
        rng = s.rng
        item = s.item
        emergency = case.priority == Priority.EMERGENCY
        if s.preferred is not None:
            finish = max(s.preferred, t + _h(1)) + _m(rng.uniform(30, 120))
        else:
            low, high = (0.5, 1.8) if emergency else APPEALS.get(item.code, (0, 0, 0, (2, 48)))[3]
            finish = s.created + _h(rng.uniform(low, high))
            if not emergency:
                finish = _daytime(finish, rng)
        if s.fate in ("reopened", "resolved"):
            finish = _daytime(s.created + _h(rng.uniform(3, 30)), rng)
            finish = min(finish, self.today - _h(FATE_AGE_HOURS[s.fate][0] - 30))
        late = s.fate == "normal" and rng.random() < (0.1 if emergency else 0.03)
        if late:
            finish = case.resolution_due + (
                _m(rng.uniform(10, 90)) if emergency else _h(rng.uniform(2, 72))
            )
        elif finish >= case.resolution_due:
            finish = t + (case.resolution_due - t) * rng.uniform(0.5, 0.9)
        return max(finish, t + _m(20))

    def _work(self, s, case, crew, side, handler, worker_, t, finish):
        """The middle of the work: replies, an internal note, a whistle. Returns t."""
        rng = s.rng
        normal = s.fate == "normal"
        kind = KIND_OF.get(s.item.code, "order")
        if case.kind == Case.Kind.SERVICE_REQUEST:
            kind = "service"
        elif side == "community":
            kind = "community"
        if rng.random() < 0.55 or s.fate in ("in_progress", "overdue"):
            t = yield t + (finish - t) * rng.uniform(0.1, 0.4)
            services.case_reply(case=case, actor=worker_, text=rng.choice(REPLY[kind]), now=t)
            resident = self.residents[s.resident_id]
            if resident.user and rng.random() < 0.15:
                t = yield t + min(_m(rng.uniform(5, 120)), (finish - t) * 0.3)
                services.case_resident_reply(
                    case=case, user=resident.user, text=rng.choice(RESIDENT_REPLIES), now=t
                )
        if normal and rng.random() < 0.08:
            t = yield t + (finish - t) * rng.uniform(0.1, 0.3)
            services.case_reply(
                case=case, actor=handler, text=rng.choice(INTERNAL_NOTES), public=False, now=t
            )
        if normal and crew.secretary and rng.random() < WHISTLE.get(s.item.code, 0):
            t = yield t + (finish - t) * rng.uniform(0.05, 0.2)
            services.case_whistle(
                case=case,
                actor=rng.choice(crew.secretary),
                units=[s.estate.community.parent or s.estate.community],
                note="吹哨报到：请街道综合执法中队、派出所到场联合处置",
                now=t,
            )
        return t

    def _supervise(self, s, case, crew, t, finish):
        """The secretary (or at the top, the subdistrict) presses a slow case. Returns t."""
        rng = s.rng
        if s.fate == "supervised" or (
            s.fate == "normal"
            and crew.secretary
            and (case.escalation_count or finish - t > _h(48))
            and rng.random() < 0.25
        ):
            boss = crew.subdistrict if case.level >= 3 and crew.subdistrict else crew.secretary
            if boss:
                if s.fate == "supervised":
                    at = self.today - _h(rng.uniform(2, 20))
                else:
                    at = _daytime(t + (finish - t) * rng.uniform(0.2, 0.5), rng, 9, 18)
                t = yield max(at, t + _m(1))
                services.case_supervise(
                    case=case,
                    actor=rng.choice(boss),
                    due=t + _h(rng.choice([24, 48, 72])),
                    note=rng.choice(
                        ["请加快办理，按时办结并回复居民", "居民多次反映，请两日内办结"]
                    ),
                    now=t,
                )
        return t

    @staticmethod
    def _done_text(s, case) -> str:
        item = s.item
        return SERVICE_DONE.get(item.code) or (
            DONE.get(item.code, "已处理完毕").format(where=s.tokens["where"])
            if case.kind == Case.Kind.APPEAL
            else f"已按约定时间上门完成{item.name}服务，居民现场确认"
        )

    def _handler(self, s, crew, side):
        """Who signs for the case on this side, and who does the work."""
        rng = s.rng
        item = s.item
        if side == "company":
            desk = crew.desk
            staff = [u for u in desk if u not in crew.managers] or desk
            handler = rng.choice(staff) if rng.random() < 0.7 else rng.choice(desk)
            tech = crew.tech
            if tech and item.code in TECHNICAL and rng.random() < 0.8:
                return handler, rng.choice(tech)
            return handler, handler
        if crew.grid and rng.random() < 0.7:
            handler = rng.choice(crew.grid)
        else:
            handler = rng.choice(crew.community) if crew.community and rng.random() < 0.8 else None
            handler = handler or rng.choice(crew.secretary or crew.community or crew.grid)
        if (
            s.item.kind == Item.Kind.SERVICE
            and item.provider == Item.Provider.PARTNER
            and crew.partner
            and rng.random() < 0.8
        ):
            return handler, rng.choice(crew.partner)
        return handler, handler

    def _extension(self, s, case, crew, requester, t, finish):
        rng = s.rng
        at = t + (case.resolution_due - t) * rng.uniform(0.3, 0.8)
        if s.fate == "extension":
            at = max(t + _m(5), min(at, self.today - _h(rng.uniform(3, 20))))
        t = yield max(at, t + _m(1))
        if t >= case.resolution_due:
            return t, finish
        new_due = case.resolution_due + timedelta(days=rng.choice([3, 5, 7, 10]))
        extension = services.case_request_extension(
            case=case,
            actor=requester,
            reason=rng.choice(EXTENSION_REASONS),
            new_due=new_due,
            now=t,
        )
        if s.fate == "extension":
            return t, finish
        if requester in crew.managers or requester not in crew.desk + crew.tech:
            approvers = [u for u in crew.routers if u != requester]
        else:
            approvers = [u for u in crew.managers if u != requester]
        if not approvers:
            return t, finish
        t = yield t + _h(rng.uniform(0.5, 8))
        approve = rng.random() < 0.9
        services.case_decide_extension(
            extension=extension,
            actor=rng.choice(approvers),
            approve=approve,
            note="同意延期，请按新时限办结" if approve else "不同意延期，请抓紧办理",
            now=t,
        )
        if approve:
            finish = t + (new_due - t) * rng.uniform(0.3, 0.9)
        return t, max(finish, t + _m(30))

    def _verdict(self, s, case, crew, side, handler, worker_, t, *, round_=1):
        """The resident rates (or not), the community follows up, and a case may reopen for a
        second round."""
        rng = s.rng
        resident = self.residents[s.resident_id]
        rates = resident.user is not None and rng.random() < (0.84 if round_ == 1 else 0.7)
        if s.fate == "reopened":
            rates = True
        if not rates:
            yield from self._unrated(s, case, crew, t, round_)
            return
        wait = rng.uniform(2, 30) if s.fate == "reopened" else rng.triangular(0.3, 150, 8)
        t = yield _daytime(t + _h(wait), rng, 7, 23)
        rating = self._rating(s, case, round_)
        reopen = (
            rating == Rating.DISSATISFIED
            and round_ == 1
            and (s.fate == "reopened" or rng.random() < 0.3)
        )
        tags = rng.sample(TAGS[rating], rng.randint(0, 2))
        services.case_rate(
            case=case,
            user=resident.user,
            rating=rating,
            comment=rng.choice(COMMENTS[rating]),
            tags=tags,
            reopen=reopen,
            now=t,
        )
        if s.fate == "reopened" or rating != Rating.DISSATISFIED:
            return
        if not reopen:
            t = yield from self._call_back(s, case, crew, side, handler, t, round_)
            if t is None:
                return
        t = yield from self._second_round(s, case, crew, handler, worker_, t)
        yield from self._verdict(s, case, crew, side, handler, worker_, t, round_=2)

    def _unrated(self, s, case, crew, t, round_):
        """Not rated: the community may call back; else it closes by itself after the waiting
        period (as the worker's sweep does)."""
        rng = s.rng
        routers = crew.routers
        # A reopened case keeps its first rating, so only a follow-up closes it.
        if routers and (round_ > 1 or rng.random() < 0.3):
            t = yield _daytime(t + _h(rng.uniform(20, 120)), rng, 9, 18)
            services.case_follow_up(
                case=case,
                actor=rng.choice(routers),
                solved=True,
                note="电话回访：居民表示问题已解决",
                now=t,
            )
        wait = timedelta(days=settings.CASE_AUTO_CLOSE_DAYS) + _m(rng.uniform(1, 59))
        t = yield case.resolved_at + wait
        if case.status == Status.RESOLVED and not case.rating and not case.followup_needed:
            services.case_auto_close(case=case, now=t)

    @staticmethod
    def _rating(s, case, round_) -> str:
        rng = s.rng
        roll = rng.random()
        late = case.escalation_count > 0 or case.return_count > 0
        dissatisfied_p = 0.3 if late else 0.13
        if s.fate == "reopened":
            return Rating.DISSATISFIED
        if round_ > 1:
            return rng.choices([Rating.SATISFIED, Rating.BASIC, Rating.DISSATISFIED], [55, 35, 10])[
                0
            ]
        if roll < dissatisfied_p:
            return Rating.DISSATISFIED
        return Rating.SATISFIED if rng.random() < 0.82 else Rating.BASIC

    def _call_back(self, s, case, crew, side, handler, t, round_):
        """A dissatisfied resident who did not reopen: the community calls back, and reopens
        it if the problem is still there. Returns t, or None when it was solved."""
        rng = s.rng
        routers = crew.routers
        if not routers:
            return None
        t = yield _daytime(t + _h(rng.uniform(2, 48)), rng, 9, 18)
        solved = round_ > 1 or rng.random() < 0.55
        services.case_follow_up(
            case=case,
            actor=rng.choice(routers),
            solved=solved,
            note="电话回访：居民表示已解释清楚，问题已解决"
            if solved
            else "电话回访：居民反映问题仍未彻底解决，已要求重新办理",
            now=t,
        )
        if solved:
            return None
        t = yield t + _m(rng.uniform(5, 60))
        reopener = handler if side == "company" else rng.choice(routers)
        services.case_reopen(
            case=case, user=reopener, reason="居民反映问题仍未解决，重新办理", now=t
        )
        return t

    def _second_round(self, s, case, crew, handler, worker_, t):
        """Sign for it again, call back, fix it properly. Returns t."""
        rng = s.rng
        t = yield _daytime(t + _m(rng.triangular(10, 240, 40)), rng, 8, 21)
        services.case_accept(case=case, actor=handler, now=t)
        t = yield t + _m(rng.uniform(5, 60))
        services.case_first_contact(
            case=case, actor=handler, note="已再次联系居民，约定重新上门处理", now=t
        )
        finish = t + (case.resolution_due - t) * rng.uniform(0.05, 0.4)
        t = yield _daytime(max(finish, t + _m(30)), rng)
        services.case_resolve(
            case=case,
            actor=worker_ if worker_ in crew.desk + crew.tech + crew.grid else handler,
            note="已重新上门彻底处理，并请居民现场确认",
            now=t,
        )
        return t


def _tidy(today: datetime) -> None:
    """History has been delivered and read: no backlog of old messages on the first run."""
    OutboxMessage.objects.filter(
        state=OutboxMessage.State.PENDING, created_at__lt=today - timedelta(days=1)
    ).update(state=OutboxMessage.State.SENT, sent_at=F("created_at"), attempts=1)
    Notification.objects.filter(
        read_at__isnull=True, created_at__lt=today - timedelta(days=7)
    ).update(read_at=F("created_at"))


def seed_cases(*, seed: int = 20261126, count: int = 3500, today: datetime | None = None) -> int:
    """Create about `count` cases over the twelve months before `today`; return how many.

    Needs the demo community (`seed_structure`, `seed_residents`, `catalogue_load_seed`).
    Does nothing (returns 0) if any case exists already.
    """
    if Case.objects.exists():
        return 0
    today = timezone.localtime(today or timezone.now())
    with transaction.atomic():
        world = _World()
        if not world.ready:
            return 0
        simulation = _Simulation(world, random.Random(seed), today)
        stories = simulation.plan(count)
        if not stories:
            return 0
        simulation.accounts(stories)
        with notify.batched():
            simulation.run(stories)
        _tidy(today)
        return simulation.created
