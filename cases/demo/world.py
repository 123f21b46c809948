"""The demo's clock helpers, and the world as loaded once: structure, people, catalogue, staff."""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from cases.models import (
    Case,
)
from catalog.clock import parse_periods
from catalog.models import Item
from orgs.models import Building, Estate, Household, OrgUnit, Unit, User
from orgs.roles import Role
from orgs.selectors import scope_for
from residents.demo import DEMO_RESIDENT_MOBILE
from residents.models import HouseholdTie, Resident


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
