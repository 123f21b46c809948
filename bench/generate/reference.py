"""What the generator reads once before writing: the routes of the catalogue's items, the places
residents report from, the staff who handle them and where the numbering stands."""

import random
from collections import defaultdict
from dataclasses import dataclass
from itertools import accumulate

from cases.models import TrackingCounter
from catalog.models import DurationUnit, Item, SlaPolicy
from catalog.selectors import routing_resolve
from orgs.models import Household, StaffMembership
from residents.models import HouseholdTie

NATURAL_MINUTES = {DurationUnit.MINUTES: 1, DurationUnit.HOURS: 60, DurationUnit.DAYS: 24 * 60}


@dataclass
class Place:
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
class Route:
    item: Item
    policy: SlaPolicy
    lead: str
    co_handle: bool
    priority: str
    natural: bool  # both clocks in natural time: deadlines by arithmetic


def routes_load(rng: random.Random) -> tuple[list[Route], list[float]]:
    """Every reportable item with its routing; and cumulative weights to draw them by."""
    routes = []
    items = Item.objects.filter(is_active=True).exclude(kind=Item.Kind.INFO)
    for item in items.select_related("sla", "domain"):
        decision = routing_resolve(item=item)
        policy = decision.policy
        natural = policy.resolution_unit in NATURAL_MINUTES and (
            not policy.response_amount or policy.response_unit in NATURAL_MINUTES
        )
        routes.append(
            Route(item, policy, decision.lead, decision.co_handle, decision.priority, natural)
        )
    # A few items draw most reports (Zipf-like), as in real service lines.
    weights = [1 / (n + 1) ** 0.9 for n in range(len(routes))]
    rng.shuffle(weights)
    return routes, list(accumulate(weights))


def places_load(rng: random.Random) -> list[Place]:
    """A place per household with residents: its home or a public spot by its building."""
    residents = defaultdict(list)
    for household_id, resident_id, mobile, name in HouseholdTie.objects.values_list(
        "household_id", "resident_id", "resident__mobile", "resident__name"
    ):
        residents[household_id].append((resident_id, mobile, name))
    places = []
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
        places.append(
            Place(
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
    return places


def staff_load() -> defaultdict:
    """Org unit / ("company", id) -> the ids of its active staff."""
    staff = defaultdict(list)
    for user_id, unit_id, company_id in StaffMembership.objects.filter(is_active=True).values_list(
        "user_id", "org_unit_id", "company_id"
    ):
        staff[("company", company_id) if company_id else unit_id].append(user_id)
    return staff


def last_id(model) -> int:
    return (model.objects.order_by("-id").values_list("id", flat=True).first()) or 0


def counters_load() -> defaultdict:
    """(prefix, day) -> the last tracking number given that day."""
    counters = defaultdict(int)
    for prefix, day, last in TrackingCounter.objects.values_list("prefix", "day", "last"):
        counters[prefix, day] = last
    return counters
