"""The address matcher, table-driven over a community like the demo's: 方城路小区 (22 buildings,
2 units, 18 floors, 3 doors a floor, and a 综合楼 of one unit) and 华城苑 (28 buildings, 3 units,
7 floors), both on 方城路; a property company's 华阳佳园, 华阳路小区, 华城苑 and 新华城苑."""

from itertools import count

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orgs.address import AddressBook, address_book, address_match, normalize
from orgs.models import Building, Estate, Household, OrgUnit, Unit

_ids = count(1)


def _estate(code, name, address, community, plan, named=()):
    """An estate (not stored: the matcher needs no database) and its buildings "N号楼",
    units "N单元" and doors "FFDD"; `named` adds buildings with a name and one unit."""
    estate = Estate(pk=next(_ids), code=code, name=name, address=address, community=community)
    buildings, units, households = [], [], []
    blocks, unit_count, floors, doors = plan
    names = [f"{n}号楼" for n in range(1, blocks + 1)] + list(named)
    for name in names:
        building = Building(pk=next(_ids), estate_id=estate.pk, name=name)
        buildings.append(building)
        for u in range(1, (1 if name in named else unit_count) + 1):
            unit = Unit(pk=next(_ids), building_id=building.pk, name=f"{u}单元")
            units.append(unit)
            households += [
                Household(pk=next(_ids), unit_id=unit.pk, number=f"{f}{d:02d}", floor=f)
                for f in range(1, floors + 1)
                for d in range(1, doors + 1)
            ]
    return estate, buildings, units, households


def _book(*estates) -> AddressBook:
    return AddressBook(
        estates=[e[0] for e in estates],
        buildings=[b for e in estates for b in e[1]],
        units=[u for e in estates for u in e[2]],
        households=[h for e in estates for h in e[3]],
    )


FANGCHENG = OrgUnit(pk=900, kind="community", name="方城路社区")
HUAYANG = OrgUnit(pk=901, kind="community", name="华阳路社区")
FCL = _estate(
    "fcl", "方城路小区", "青岛市市北区方城路 18 号", FANGCHENG, (22, 2, 18, 3), ["综合楼"]
)
HCY = _estate("hcy", "华城苑", "青岛市市北区方城路 66 号", FANGCHENG, (28, 3, 7, 3))
HYJY = _estate("hyjy", "华阳佳园", "青岛市市北区华阳路 27 号", HUAYANG, (6, 2, 11, 2))
HYXQ = _estate("hyxq", "华阳路小区", "青岛市市北区华阳路 35 号", HUAYANG, (6, 2, 6, 2))
XHCY = _estate("xhcy", "新华城苑", "", HUAYANG, (3, 1, 6, 2))

COMMUNITY = _book(FCL, HCY)  # a hotline filing into 方城路社区
ONE_ESTATE = _book(FCL)  # a property company's app for one estate
COMPANY = _book(HYJY, HYXQ, HCY, XHCY)  # a company with estates in two communities


def _place(match):
    """(estate code, building, unit, door) of what the match is sure of."""
    return (
        match.estate and match.estate.code,
        match.building and match.building.name,
        match.unit and match.unit.name,
        match.household and match.household.number,
    )


PLACED = [
    # the forms the hotline writes
    (COMMUNITY, "方城路小区9号楼2单元602", ("fcl", "9号楼", "2单元", "602")),
    (COMMUNITY, "方城路9号楼2-602", ("fcl", "9号楼", "2单元", "602")),
    (ONE_ESTATE, "9栋2单元602室", ("fcl", "9号楼", "2单元", "602")),
    (COMMUNITY, "25栋2单元602室", ("hcy", "25号楼", "2单元", "602")),  # only 华城苑 has a 25号楼
    (COMMUNITY, "方城路小区９号楼２单元６０２", ("fcl", "9号楼", "2单元", "602")),
    (COMMUNITY, "方城路小区　９号楼　２单元　６０２室", ("fcl", "9号楼", "2单元", "602")),
    (COMMUNITY, "方城路小区 9 号楼 2 单元 602 室", ("fcl", "9号楼", "2单元", "602")),
    (COMMUNITY, "青岛市市北区方城路小区9号楼2单元602室", ("fcl", "9号楼", "2单元", "602")),
    (COMMUNITY, "方城路社区方城路小区9号楼2单元602", ("fcl", "9号楼", "2单元", "602")),
    (COMMUNITY, "方城路小区九号楼二单元602", ("fcl", "9号楼", "2单元", "602")),
    (COMMUNITY, "方城路小区十二号楼一单元1801", ("fcl", "12号楼", "1单元", "1801")),
    (COMMUNITY, "方城路小区9#2-602", ("fcl", "9号楼", "2单元", "602")),
    (COMMUNITY, "方城路小区9-2-602", ("fcl", "9号楼", "2单元", "602")),
    (COMMUNITY, "方城路小区9－2－602", ("fcl", "9号楼", "2单元", "602")),
    (COMMUNITY, "方城路小区9号楼2单元6楼602", ("fcl", "9号楼", "2单元", "602")),
    (COMMUNITY, "方城路小区9号2单元602", ("fcl", "9号楼", "2单元", "602")),
    (COMMUNITY, "方城路小区09号楼02单元0602", ("fcl", "9号楼", "2单元", "602")),
    (COMMUNITY, "方城路小区9幢2门602户", ("fcl", "9号楼", "2单元", "602")),
    (COMMUNITY, "方城路小区（北区）9号楼2单元602", ("fcl", "9号楼", "2单元", "602")),
    (COMMUNITY, "方城路18号楼2单元602", ("fcl", "18号楼", "2单元", "602")),
    # estates named by their street address
    (COMMUNITY, "青岛市市北区方城路18号9号楼2单元602", ("fcl", "9号楼", "2单元", "602")),
    (COMMUNITY, "方城路18号院9号楼2单元602", ("fcl", "9号楼", "2单元", "602")),
    (COMMUNITY, "市北区方城路66号3号楼1单元101", ("hcy", "3号楼", "1单元", "101")),
    (COMMUNITY, "方城路66号3号楼1单元101", ("hcy", "3号楼", "1单元", "101")),
    # a missing estate name, after the city and the community
    (ONE_ESTATE, "市北区9号楼2单元602", ("fcl", "9号楼", "2单元", "602")),
    (ONE_ESTATE, "方城路社区9号楼2单元602", ("fcl", "9号楼", "2单元", "602")),
    # buildings with names, single-unit buildings
    (COMMUNITY, "方城路小区综合楼1单元101", ("fcl", "综合楼", "1单元", "101")),
    (COMMUNITY, "方城路小区综合楼101室", ("fcl", "综合楼", "1单元", "101")),
    # one estate's name inside another's
    (COMPANY, "新华城苑1号楼1单元101", ("xhcy", "1号楼", "1单元", "101")),
    (COMPANY, "华城苑1号楼1单元101", ("hcy", "1号楼", "1单元", "101")),
    (COMPANY, "华阳路3号楼1单元101", ("hyxq", "3号楼", "1单元", "101")),
    (COMPANY, "华阳路27号3号楼1单元101", ("hyjy", "3号楼", "1单元", "101")),
    (COMPANY, "华阳佳园3号楼2单元1102", ("hyjy", "3号楼", "2单元", "1102")),
    # sure of less than a household, and it says so
    (COMMUNITY, "方城路小区9号楼", ("fcl", "9号楼", None, None)),
    (COMMUNITY, "方城路小区9号楼2单元", ("fcl", "9号楼", "2单元", None)),
    (COMMUNITY, "方城路9栋", ("fcl", "9号楼", None, None)),
    (COMMUNITY, "方城路小区", ("fcl", None, None, None)),
    (COMMUNITY, "方城路小区东门岗亭", ("fcl", None, None, None)),
    (COMMUNITY, "华城苑北侧停车场", ("hcy", None, None, None)),
]


@pytest.mark.parametrize(("book", "text", "place"), PLACED, ids=[p[1] for p in PLACED])
def test_an_address_is_placed_where_it_is_sure(book, text, place):
    match = address_match(book, text)

    assert match.placed is True
    assert _place(match) == place
    assert match.unknown == ()


AMBIGUOUS_BELOW = [
    # 602 is a door in both units of 9号楼: the building, never one of the two doors
    (COMMUNITY, "方城路小区9号楼602", ("fcl", "9号楼", None, None), ("household",)),
    (COMMUNITY, "华城苑25栋602", ("hcy", "25号楼", None, None), ("household",)),
    # a door without its building
    (COMMUNITY, "方城路小区2单元602", ("fcl", None, None, None), ("building",)),
]


@pytest.mark.parametrize(
    ("book", "text", "place", "ambiguous"), AMBIGUOUS_BELOW, ids=[a[1] for a in AMBIGUOUS_BELOW]
)
def test_a_door_that_fits_two_places_is_left_at_the_level_above(book, text, place, ambiguous):
    match = address_match(book, text)

    assert (match.placed, _place(match), match.ambiguous) == (True, place, ambiguous)


NOT_PLACED = [
    # two estates of the scope have a 9号楼 with a 2单元602
    (COMMUNITY, "9栋2单元602室", (None, None, None, None), ("estate",), ()),
    (COMMUNITY, "9号楼2-602", (None, None, None, None), ("estate",), ()),
    (COMMUNITY, "方城路社区9号楼2单元602", (None, None, None, None), ("estate",), ()),
    # two estates named
    (COMMUNITY, "华城苑和方城路小区之间的路灯", (None, None, None, None), ("estate",), ()),
    # named, but no such place
    (COMMUNITY, "方城路小区30号楼1单元101", ("fcl", None, None, None), (), ("building",)),
    (COMMUNITY, "方城路小区9号楼5单元101", ("fcl", "9号楼", None, None), (), ("unit",)),
    (COMMUNITY, "方城路小区9号楼2单元1902", ("fcl", "9号楼", "2单元", None), (), ("household",)),
    (COMMUNITY, "华城苑3号楼1单元801", ("hcy", "3号楼", "1单元", None), (), ("household",)),
    (COMMUNITY, "方城路小区综合楼1单元1904", ("fcl", "综合楼", "1单元", None), (), ("household",)),
    # a place outside the scope, or not a place at all
    (COMMUNITY, "东城路小区9号楼2单元602", (None, None, None, None), (), ("estate",)),
    (COMMUNITY, "某某路100号3号楼1单元101", (None, None, None, None), (), ("estate",)),
    (COMMUNITY, "方城路99号3号楼", (None, None, None, None), (), ("estate",)),
    (COMMUNITY, "华阳佳园3号楼2单元602", (None, None, None, None), (), ("estate",)),
    (COMMUNITY, "方城路社区居委会", (None, None, None, None), (), ("estate",)),
    (COMMUNITY, "方城路", (None, None, None, None), (), ("estate",)),
    (COMMUNITY, "方城路上的井盖丢了", (None, None, None, None), (), ("estate",)),
    (COMMUNITY, "2单元602", (None, None, None, None), (), ("estate",)),
    (COMMUNITY, "", (None, None, None, None), (), ("estate",)),
    (ONE_ESTATE, "30栋1单元101", (None, None, None, None), (), ("estate",)),
    (ONE_ESTATE, "家门口", (None, None, None, None), (), ("estate",)),
    (COMPANY, "华阳路小区7号楼1单元101", ("hyxq", None, None, None), (), ("building",)),
]


@pytest.mark.parametrize(
    ("book", "text", "place", "ambiguous", "unknown"), NOT_PLACED, ids=[n[1] for n in NOT_PLACED]
)
def test_an_address_that_fits_two_places_or_none_is_not_placed(
    book, text, place, ambiguous, unknown
):
    match = address_match(book, text)

    assert match.placed is False
    assert (_place(match), match.ambiguous, match.unknown) == (place, ambiguous, unknown)


def test_text_is_normalised_full_width_and_spaces_away():
    assert normalize("方城路小区　９号楼（２单元）６０２室") == "方城路小区9号楼2单元602室"
    assert normalize("９－２—６０２") == "9-2-602"


def test_ten_thousand_addresses_match_in_well_under_a_second_a_thousand():
    import time

    texts = [
        f"方城路小区{b}号楼{u}单元{f}0{d}"
        for b in range(1, 23)
        for u in (1, 2)
        for f in range(1, 18, 4)
        for d in (1, 2, 3)
    ]
    started = time.perf_counter()
    for text in (texts * 10)[:10_000]:
        address_match(COMMUNITY, text)
    assert time.perf_counter() - started < 5  # about 0.1 ms an address on this machine


@pytest.mark.django_db
def test_the_book_reads_a_scope_in_three_queries_and_a_building_s_doors_when_needed(world):
    with CaptureQueriesContext(connection) as loading:
        book = address_book(estates=Estate.objects.filter(community=world.C1))
    with CaptureQueriesContext(connection) as matching:
        first = address_match(book, "方城路小区1号楼1单元101")
        again = address_match(book, "方城路小区1号楼1单元101室")

    assert (len(loading), len(matching)) == (3, 1)
    assert first.household == again.household == world.H1
    # What intake reads from a place comes with the book, without a query each.
    with CaptureQueriesContext(connection) as reading:
        names = (first.estate.community.abbr, first.building.microgrid.path, first.unit.building)
    assert (len(reading), names) == (0, (world.C1.abbr, world.M1.path, world.B1))


@pytest.mark.django_db
def test_a_book_of_another_community_does_not_know_its_places(world):
    book = address_book(estates=Estate.objects.filter(community=world.C2), households=True)

    match = address_match(book, "方城路小区1号楼1单元101")

    assert (match.placed, match.estate, match.household) == (False, None, None)
