"""Reads of the org structure, and the one scope selector every other query goes through."""

import re
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from core.errors import NotFound
from orgs.models import (
    Building,
    Estate,
    Household,
    OrgUnit,
    PropertyCompany,
    StaffMembership,
    Unit,
    User,
)
from orgs.roles import ROLE_PERMISSIONS, ROLE_PRECEDENCE, Role

PATH_END = "~"  # sorts after the digits and dots of every path


def subtree_q(field: str, paths) -> Q:
    """Rows whose `field` (a path) lies in any of the subtrees; an index range per subtree."""
    parts = [Q(**{f"{field}__gte": p, f"{field}__lt": p + PATH_END}) for p in paths]
    return reduce(or_, parts) if parts else Q(pk__in=[])


def path_ancestors(path: str) -> list[str]:
    """The paths from the root down to `path` itself: "1.4.9." gives "1.", "1.4.", "1.4.9."."""
    parts = path.split(".")[:-1]
    return [".".join(parts[:n]) + "." for n in range(1, len(parts) + 1)]


@dataclass(frozen=True)
class Scope:
    """What a user may act on: org subtrees and property companies (and what lies under them)."""

    everything: bool = False
    org_paths: tuple[str, ...] = ()
    # The companies whose cases the user sees, as its managers and desk staff do.
    company_ids: frozenset[int] = frozenset()
    # A technician sees their jobs, not the company's inbox: the cases assigned to them and, in
    # a company that allows it (`PropertyCompany.technicians_see_unassigned`, `pool_company_ids`),
    # its open cases nobody is assigned to yet. Its estates and buildings they see all the same.
    job_company_ids: frozenset[int] = frozenset()
    pool_company_ids: frozenset[int] = frozenset()
    # Partners see the structure of the units they serve, but only the cases they are in.
    partner_paths: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    permissions: frozenset[str] = frozenset()

    @property
    def is_staff(self) -> bool:
        return self.everything or bool(self.roles)

    @property
    def primary_role(self) -> str | None:
        return self.roles[0] if self.roles else None

    def has(self, permission: str) -> bool:
        return self.everything or permission in self.permissions

    @property
    def place_company_ids(self) -> frozenset[int]:
        """The companies whose estates and buildings the user sees."""
        return self.company_ids | self.job_company_ids

    @property
    def structure_paths(self) -> tuple[str, ...]:
        return _outermost(self.org_paths + self.partner_paths)

    def org_units(self) -> QuerySet[OrgUnit]:
        if self.everything:
            return OrgUnit.objects.all()
        return OrgUnit.objects.filter(subtree_q("path", self.structure_paths))

    def companies(self) -> QuerySet[PropertyCompany]:
        if self.everything:
            return PropertyCompany.objects.all()
        return PropertyCompany.objects.filter(
            Q(id__in=self.place_company_ids) | Q(id__in=self.estates().values("company_id"))
        )

    def estates(self) -> QuerySet[Estate]:
        if self.everything:
            return Estate.objects.all()
        via_buildings = Building.objects.filter(
            subtree_q("microgrid__path", self.structure_paths)
        ).values("estate_id")
        return Estate.objects.filter(
            subtree_q("community__path", self.structure_paths)
            | Q(company_id__in=self.place_company_ids)
            | Q(id__in=via_buildings)
        )

    def buildings(self) -> QuerySet[Building]:
        if self.everything:
            return Building.objects.all()
        return Building.objects.filter(
            subtree_q("microgrid__path", self.structure_paths)
            | subtree_q("estate__community__path", self.structure_paths)
            | Q(estate__company_id__in=self.place_company_ids)
        )

    def households(self) -> QuerySet[Household]:
        if self.everything:
            return Household.objects.all()
        return Household.objects.filter(unit__building__in=self.buildings())


NO_SCOPE = Scope()


def _outermost(paths) -> tuple[str, ...]:
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return tuple(kept)


def scope_for(user) -> Scope:
    """The scope of any user (anonymous and residents get an empty one). Cached on the user."""
    if not getattr(user, "is_authenticated", False):
        return NO_SCOPE
    cached = getattr(user, "_hgj_scope", None)
    if cached is not None:
        return cached
    memberships = list(
        StaffMembership.objects.filter(user=user, is_active=True).select_related(
            "org_unit", "company"
        )
    )
    roles = {m.role for m in memberships}
    desk = {m.company_id for m in memberships if m.company_id and m.role != Role.TECHNICIAN}
    jobs = {m.company for m in memberships if m.company_id and m.company_id not in desk}
    scope = Scope(
        everything=user.is_superuser,
        org_paths=_outermost(
            m.org_unit.path for m in memberships if m.org_unit_id and m.role != Role.PARTNER
        ),
        partner_paths=_outermost(
            m.org_unit.path for m in memberships if m.org_unit_id and m.role == Role.PARTNER
        ),
        company_ids=frozenset(desk),
        job_company_ids=frozenset(c.pk for c in jobs),
        pool_company_ids=frozenset(c.pk for c in jobs if c.technicians_see_unassigned),
        roles=tuple(r for r in ROLE_PRECEDENCE if r in roles),
        permissions=frozenset(p for r in roles for p in ROLE_PERMISSIONS[r]),
    )
    user._hgj_scope = scope
    return scope


def estate_get_for(*, user, estate_id) -> Estate:
    estate = (
        scope_for(user)
        .estates()
        .select_related("community", "company")
        .filter(pk=estate_id)
        .first()
    )
    if estate is None:
        raise NotFound()
    return estate


def estate_list_for(*, user) -> QuerySet[Estate]:
    return (
        scope_for(user)
        .estates()
        .select_related("community", "company")
        .annotate(building_count=Count("buildings", distinct=True))
        .order_by("community__path", "name")
    )


def estate_buildings_for(*, user, estate: Estate) -> QuerySet[Building]:
    return (
        scope_for(user)
        .buildings()
        .filter(estate=estate)
        .select_related("microgrid__parent")
        .annotate(household_count=Count("units__households"))
        .order_by("id")
    )


def org_unit_tree_for(*, user) -> list[OrgUnit]:
    """The org units in scope, in tree order, each with `depth` relative to the top shown."""
    units = list(scope_for(user).org_units().order_by("path"))
    top = min((u.depth for u in units), default=0)
    for unit in units:
        unit.relative_depth = unit.depth - top
    return units


def staff_overview_for(*, user) -> dict:
    """Headline counts of what a staff member's scope covers, for their home page."""
    scope = scope_for(user)
    memberships = StaffMembership.objects.filter(user=user, is_active=True).select_related(
        "org_unit", "company"
    )
    return {
        "memberships": list(memberships),
        "org_units": scope.org_units().count(),
        "estates": scope.estates().count(),
        "buildings": scope.buildings().count(),
        "households": scope.households().count(),
    }


def community_list() -> QuerySet[OrgUnit]:
    """Every community, in tree order: their names are public (the transparency page)."""
    return OrgUnit.objects.filter(kind=OrgUnit.Kind.COMMUNITY).order_by("path")


# ---------------------------------------------------------------------------------------------
# Places: estates down to households, and where an address text points


@dataclass(frozen=True)
class Place:
    """Where something is: an estate, and as far down as known a building, a unit (stairway)
    and a household."""

    estate: Estate
    building: Building | None = None
    unit: Unit | None = None
    household: Household | None = None


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _name_pattern(name: str) -> re.Pattern:
    """A name found in text, so that "1号楼" is not found inside "11号楼"."""
    before = r"(?<![0-9０-９])" if name[:1].isdigit() else ""
    after = r"(?![0-9０-９])" if name[-1:].isdigit() else ""
    return re.compile(before + re.escape(name) + after)


def building_in_text(*, buildings, text: str) -> Building | None:
    """The building whose name the text mentions (the longest name wins); None if none or
    if two equally long names are mentioned."""
    compact = _compact(text)
    found = [
        b for b in buildings if _compact(b.name) and _name_pattern(_compact(b.name)).search(compact)
    ]
    if not found:
        return None
    found.sort(key=lambda b: len(_compact(b.name)), reverse=True)
    if len(found) > 1 and len(_compact(found[0].name)) == len(_compact(found[1].name)):
        return None
    return found[0]


def place_in_text(*, estates: QuerySet[Estate], buildings: QuerySet[Building], text: str):
    """The estate whose name (or street address) the text holds, then which of its `buildings`
    the rest names, e.g. "方城路小区 3号楼 2单元". Without an estate name, a building name that
    exists once among `buildings` is enough. None when the text names neither."""
    compact = _compact(text)
    matches = []
    for estate in estates:
        for label in (estate.name, estate.address):
            label = _compact(label or "")
            if label and label in compact:
                matches.append((len(label), estate, label))
    if matches:
        matches.sort(key=lambda m: m[0], reverse=True)
        _length, estate, label = matches[0]
        rest = compact.replace(label, " ", 1)
        building = building_in_text(buildings=buildings.filter(estate=estate), text=rest)
        return Place(estate=estate, building=building)
    building = building_in_text(buildings=buildings.select_related("estate"), text=compact)
    return Place(estate=building.estate, building=building) if building else None


def addresses_search(*, scope: Scope, q: str) -> list[Place]:
    """The places of the scope that an address text names. For now the estate and building
    names, matched as Open311's `address_string` is."""
    place = place_in_text(estates=scope.estates(), buildings=scope.buildings(), text=q)
    return [place] if place else []


def building_get_for(*, user, building_id) -> Building:
    building = scope_for(user).buildings().filter(pk=building_id).first()
    if building is None:
        raise NotFound()
    return building


def unit_get_for(*, user, unit_id) -> Unit:
    unit = Unit.objects.filter(pk=unit_id, building__in=scope_for(user).buildings()).first()
    if unit is None:
        raise NotFound()
    return unit


def units_of(*, building: Building) -> QuerySet[Unit]:
    """The units of a building read through `building_get_for`."""
    return building.units.order_by("id")


def households_of(*, unit: Unit) -> QuerySet[Household]:
    """The households of a unit read through `unit_get_for`."""
    return unit.households.order_by("floor", "number", "id")


def user_for_wechat(*, openid: str) -> User | None:
    """The active account a WeChat openid is linked to, if any."""
    if not openid:
        return None
    return User.objects.filter(wechat_openid=openid, is_active=True).first()


def wechat_messages_enabled() -> bool:
    """Whether the platform can send WeChat template messages (app and template configured)."""
    return bool(
        settings.WECHAT_APP_ID and settings.WECHAT_APP_SECRET and settings.WECHAT_TEMPLATE_ID
    )


def users_taking_wechat(*, user_ids, kind: str) -> set[int]:
    """Which of these people take notices of `kind` (`WeChatNotice`) by WeChat: linked, opted
    in, and the platform able to send. No query when WeChat messages are off or nobody asks."""
    if not user_ids or not wechat_messages_enabled():
        return set()
    rows = (
        User.objects.filter(pk__in=user_ids, is_active=True)
        .exclude(wechat_openid="")
        .values_list("pk", "wechat_notices")
    )
    return {pk for pk, notices in rows if kind in (notices or ())}
