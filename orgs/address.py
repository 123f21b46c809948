"""Where an address written by hand lies: its estate, building, unit and household.

Other systems send an address as text ("方城路小区9号楼2单元602", "9栋2单元602室", "方城路9号楼2-602").
`address_match` reads it against an `AddressBook`, the places of one scope loaded once, and
returns only what it is sure of; every level the text fits more than one place at, or names
but no place fits, is reported instead of guessed. A household is never picked among two.

The matcher itself is plain Python over the book (no query per address, unless a book left
its households to be read by building), so an import of thousands of rows reads the tables
once; intake, the address search and Open311's address_string share it.
"""

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from orgs.models import Building, Estate, Household, Unit

ESTATE, BUILDING, UNIT, HOUSEHOLD = "estate", "building", "unit", "household"

# Generic endings of estate names that people leave out ("方城路9号楼" for 方城路小区).
GENERIC_ENDINGS = ("小区",)
# What may follow a name left without its ending without it being the estate at all:
# the community, the subdistrict, the street itself.
NOT_AFTER_SHORT_NAME = ("社区", "街道", "路", "街", "居委会")

_NUM = r"\d+|[a-z]|[零〇一二两三四五六七八九十]+"
# A building: 9号楼, 9栋, 9幢, A座, 9#. A bare 号 ("9号") is a building only before a unit:
# otherwise it is a street number.
_BUILDING = re.compile(rf"({_NUM})(?:号楼|栋楼|栋|幢|座|#楼|#)")
_BUILDING_BARE = re.compile(rf"({_NUM})号(?=(?:{_NUM})(?:单元|门)|\d+-\d)")
_UNIT = re.compile(rf"({_NUM})(?:单元|门)")
_UNIT_ROOM = re.compile(r"(\d+)-(\d{3,4})(?!\d)")
_THREE = re.compile(r"(?<!\d)(\d+)-(\d+)-(\d{3,4})(?!\d)")
_FLOOR = re.compile(r"\d+(?:楼|层)(?=\d{3,4})")
# A door: 602, 602室; a short number only with its 室 or 户 ("3户").
_ROOM = re.compile(r"(\d{3,4})(?:室|户|号)?(?!\d)|(\d{1,2})(?:室|户)")
_DROPPED = re.compile(r"[\s,，。、;；:：()（）【】\[\]<>《》\"'“”‘’]")
_DASHES = re.compile(r"[—–－~～_/]")
# A leading province, city or district ("青岛市市北区"), not an estate's 小区 or a street.
_REGION = re.compile(
    r"^(?:(?:(?![路街号小院苑园楼栋])[\u4e00-\u9fff]){1,6}?(?:省|自治区|市|区|县))+"
)
_DIGITS = "零一二三四五六七八九"


def normalize(text: str) -> str:
    """Full-width to half-width (NFKC), lower case, no spaces or punctuation, one dash."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return _DASHES.sub("-", _DROPPED.sub("", text))


def _number(token: str) -> str:
    """A number as a key: "09" → "9", "十二" → "12", "b" → "b"."""
    if token.isdigit():
        return str(int(token))
    if token.isascii():
        return token
    token = token.replace("两", "二").replace("〇", "零")
    if "十" not in token:
        return "".join(str(_DIGITS.index(c)) for c in token).lstrip("0") or "0"
    tens, _sep, ones = token.partition("十")
    value = (_DIGITS.index(tens) if tens else 1) * 10 + (_DIGITS.index(ones) if ones else 0)
    return str(value)


def _name_key(name: str, pattern: re.Pattern) -> str:
    """The key a building or unit is known by: its number when its name is one ("9号楼" → "9",
    "2单元" → "2"), else its whole name ("综合楼")."""
    compact = normalize(name)
    match = pattern.fullmatch(compact) or re.fullmatch(rf"({_NUM})", compact)
    return _number(match.group(1)) if match else compact


def _room_key(number: str) -> str:
    compact = normalize(number).removesuffix("室").removesuffix("户")
    return str(int(compact)) if compact.isdigit() else compact


@dataclass(frozen=True)
class Parts:
    """What the text says below the estate, as keys: building, unit, room."""

    building: str | None = None
    unit: str | None = None
    room: str | None = None
    building_at_start: bool = False  # the text begins with the building


def address_parts(text: str) -> Parts:
    """Building, unit and room in a text that names no estate (or what is left once it is
    taken out): "9号楼2单元602", "9栋2-602", "9-2-602", "9#602"."""
    s = normalize(text)
    three = _THREE.search(s)
    if three:
        b, u, r = three.groups()
        return Parts(_number(b), _number(u), _room_key(r), three.start() == 0)
    building = _BUILDING.search(s) or _BUILDING_BARE.search(s)
    if building is None:
        return _door_parts(s, Parts())
    parts = Parts(_number(building.group(1)), building_at_start=building.start() == 0)
    return _door_parts(s[building.end() :], parts)


def _door_parts(rest: str, parts: Parts) -> Parts:
    unit = room = None
    unit_room = _UNIT_ROOM.match(rest)
    if unit_room:
        unit, room = _number(unit_room.group(1)), _room_key(unit_room.group(2))
    else:
        found = _UNIT.match(rest) if parts.building else _UNIT.search(rest)
        if found:
            unit, rest = _number(found.group(1)), rest[found.end() :]
        rest = _FLOOR.sub("", rest, count=1)
        found = _ROOM.match(rest) if parts.building or unit else None
        if found:
            room = _room_key(found.group(1) or found.group(2))
    return Parts(parts.building, unit, room, parts.building_at_start)


@dataclass(frozen=True)
class AddressMatch:
    """The places an address is sure to mean, and the levels it is not sure of.

    `ambiguous`: levels the text fits more than one place at; `unknown`: levels the text names
    that no place fits (a building the estate does not have). An address is placed when its
    estate is sure and nothing it names is unknown: it then lies at the deepest sure level."""

    estate: Estate | None = None
    building: Building | None = None
    unit: Unit | None = None
    household: Household | None = None
    ambiguous: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()

    @property
    def placed(self) -> bool:
        return self.estate is not None and not self.unknown


@dataclass(frozen=True)
class _Label:
    text: str
    estate: Estate
    short: bool  # the name without its generic ending: counts only right before a building


class AddressBook:
    """The estates, buildings, units and households of one scope, indexed by their keys.

    Households are given whole, or read by building through `load_households` when first
    needed (a push of one order need not read a whole community's doors)."""

    def __init__(
        self,
        *,
        estates: Iterable[Estate],
        buildings: Iterable[Building],
        units: Iterable[Unit],
        households: Iterable[Household] | None = None,
        load_households: Callable[[list[int]], Iterable[Household]] | None = None,
    ):
        self.estates = list(estates)
        by_pk = {estate.pk: estate for estate in self.estates}
        self._communities = {normalize(e.community.name) for e in self.estates if e.community_id}
        self._labels = [label for estate in self.estates for label in _labels(estate)]
        self._buildings = defaultdict(lambda: defaultdict(list))  # estate → key → buildings
        self._named = defaultdict(list)  # estate → buildings not named by a number
        buildings_by_pk = {}
        for building in buildings:
            if building.estate_id in by_pk:
                building.estate = by_pk[building.estate_id]
                key = _name_key(building.name, _BUILDING)
                self._buildings[building.estate_id][key].append(building)
                if not key.isdigit():
                    self._named[building.estate_id].append((key, building))
                buildings_by_pk[building.pk] = building
        self._estates_by_pk, self._buildings_by_pk = by_pk, buildings_by_pk
        self._units = defaultdict(lambda: defaultdict(list))  # building → key → units
        self._units_by_pk = {}
        for unit in units:
            if unit.building_id in buildings_by_pk:
                unit.building = buildings_by_pk[unit.building_id]
                self._units[unit.building_id][_name_key(unit.name, _UNIT)].append(unit)
                self._units_by_pk[unit.pk] = unit
        self._doors = {}  # building → room key → households
        self._load = load_households
        if households is not None:
            self._add_households(households)
            self._load = None

    def _add_households(self, households: Iterable[Household]) -> None:
        found = defaultdict(lambda: defaultdict(list))
        for household in households:
            unit = self._units_by_pk.get(household.unit_id)
            if unit is not None:
                household.unit = unit
                found[unit.building_id][_room_key(household.number)].append(household)
        self._doors.update(found)  # each building's doors whole (a book may be shared)

    def doors(self, building: Building) -> dict[str, list[Household]]:
        if building.pk not in self._doors and self._load is not None:
            self._add_households(self._load([building.pk]))
            self._doors.setdefault(building.pk, {})
        return self._doors.get(building.pk, {})

    def estate(self, pk) -> Estate | None:
        return self._estates_by_pk.get(pk)

    def building(self, pk) -> Building | None:
        return self._buildings_by_pk.get(pk)

    def buildings(self, estate: Estate, key: str) -> list[Building]:
        return self._buildings[estate.pk].get(key, [])

    def named_buildings(self, estate: Estate) -> list[tuple[str, Building]]:
        return self._named[estate.pk]

    def units(self, building: Building, key: str) -> list[Unit]:
        return self._units[building.pk].get(key, [])

    def estates_named(self, text: str) -> tuple[list[Estate], str]:
        """The estates the text names (one, unless it names several equally) and the text
        left once the name is taken out."""
        found = []
        for label in self._labels:
            at = text.find(label.text)
            while at >= 0:
                found.append((at, at + len(label.text), label))
                at = text.find(label.text, at + 1)
        found = [f for f in found if _counts(text, *f)]
        # A name inside a longer one found at the same place is the longer one's part.
        found = [
            (start, end, label)
            for start, end, label in found
            if not any(s <= start and end <= e and (s, e) != (start, end) for s, e, _l in found)
        ]
        chosen = [f for f in found if not f[2].short] or found
        estates = list({label.estate.pk: label.estate for _s, _e, label in chosen}.values())
        if len(estates) != 1:
            return estates, text
        start, end, _label = max(chosen, key=lambda f: f[1] - f[0])
        return estates, text[:start] + text[end:]

    def without_region(self, text: str) -> str:
        """The text without a leading city, district or community of the book's estates."""
        text = _REGION.sub("", text)
        for name in self._communities:
            text = text.removeprefix(name)
        return text


def _labels(estate: Estate) -> list[_Label]:
    name = normalize(estate.name)
    labels = [_Label(name, estate, short=False)] if name else []
    for ending in GENERIC_ENDINGS:
        if name.endswith(ending) and len(name) - len(ending) >= 2:
            labels.append(_Label(name.removesuffix(ending), estate, short=True))
    address = normalize(estate.address)
    for text in {address, _REGION.sub("", address)}:
        # A street address is a label only with its number ("方城路18号", not "方城路").
        if len(text) >= 4 and any(c.isdigit() for c in text):
            labels.append(_Label(text, estate, short=False))
    return labels


def _counts(text: str, start: int, end: int, label: _Label) -> bool:
    """Whether a label found in the text names its estate there: a street address followed
    by 楼 or 栋 is a building number ("方城路18号楼"); a short name must be followed at once by
    a building, not by what shows it is the street or the community."""
    after = text[end:]
    if label.short:
        return not after.startswith(NOT_AFTER_SHORT_NAME) and address_parts(after).building_at_start
    return not (label.text.endswith("号") and after.startswith(("楼", "栋", "幢")))


def address_match(book: AddressBook, text: str) -> AddressMatch:
    """The places `text` is sure to mean in `book`, and what stays ambiguous or unknown."""
    s = normalize(text)
    estates, rest = book.estates_named(s)
    if len(estates) > 1:
        return AddressMatch(ambiguous=(ESTATE,))
    if estates:
        return _below_estate(book, estates[0], address_parts(rest), rest)
    # No estate named: enough when the address starts with a building (after the city or the
    # community) and one estate of the scope has that building. Anything before the building
    # names a place we do not know ("某某路100号3号楼").
    parts = address_parts(book.without_region(s))
    if not parts.building_at_start:
        return AddressMatch(unknown=(ESTATE,))
    estates = [e for e in book.estates if book.buildings(e, parts.building)]
    if len(estates) > 1:
        return AddressMatch(ambiguous=(ESTATE,))
    if not estates:
        return AddressMatch(unknown=(ESTATE,))
    return _below_estate(book, estates[0], parts, "")


def _below_estate(book: AddressBook, estate: Estate, parts: Parts, rest: str) -> AddressMatch:
    if parts.building is None:
        named = [(key, b) for key, b in book.named_buildings(estate) if key in rest]
        if len(named) == 1:  # "综合楼101"
            key, building = named[0]
            after = rest[rest.index(key) + len(key) :]
            return _below_building(book, estate, building, _door_parts(after, Parts(key)))
        if parts.unit or parts.room:  # a door in some building of the estate
            return AddressMatch(estate=estate, ambiguous=(BUILDING,))
        return AddressMatch(estate=estate)
    buildings = book.buildings(estate, parts.building)
    if not buildings:
        return AddressMatch(estate=estate, unknown=(BUILDING,))
    if len(buildings) > 1:
        return AddressMatch(estate=estate, ambiguous=(BUILDING,))
    return _below_building(book, estate, buildings[0], parts)


def _below_building(book, estate, building, parts: Parts) -> AddressMatch:
    sure = {"estate": estate, "building": building}
    unit = None
    if parts.unit:
        units = book.units(building, parts.unit)
        if not units:
            return AddressMatch(**sure, unknown=(UNIT,))
        if len(units) > 1:
            return AddressMatch(**sure, ambiguous=(UNIT,))
        unit = sure["unit"] = units[0]
    if not parts.room:
        return AddressMatch(**sure)
    doors = [h for h in book.doors(building).get(parts.room, []) if not unit or h.unit is unit]
    if not doors:
        return AddressMatch(**sure, unknown=(HOUSEHOLD,))
    if len(doors) > 1:  # the same door number in two units: never guess which
        return AddressMatch(**sure, ambiguous=(HOUSEHOLD,))
    household = doors[0]
    return AddressMatch(**sure | {"unit": household.unit}, household=household)


def address_book(*, estates: QuerySet[Estate], households: bool = False) -> AddressBook:
    """The book of these estates: three queries, a fourth for the households when asked for
    (an import); otherwise each building's households are read when an address reaches it."""
    estates = list(estates.select_related("community", "company").order_by("pk"))
    ids = [estate.pk for estate in estates]
    buildings = Building.objects.filter(estate_id__in=ids).select_related("microgrid")
    units = Unit.objects.filter(building__estate_id__in=ids)
    doors = Household.objects.only("pk", "unit_id", "number", "floor")
    return AddressBook(
        estates=estates,
        buildings=buildings,
        units=units,
        households=doors.filter(unit__building__estate_id__in=ids) if households else None,
        load_households=lambda building_ids: doors.filter(unit__building_id__in=building_ids),
    )
