import pytest

from core.errors import NotFound
from open311 import selectors
from orgs.models import Building

pytestmark = pytest.mark.django_db


def test_jurisdiction_resolve_by_abbreviation_or_grid_code(world):
    world.C2.grid_code = "370203012003000"
    world.C2.save()

    assert selectors.jurisdiction_resolve(jurisdiction_id=None) is None
    assert selectors.jurisdiction_resolve(jurisdiction_id="fc") == world.C1
    assert selectors.jurisdiction_resolve(jurisdiction_id="Fc") == world.C1
    assert selectors.jurisdiction_resolve(jurisdiction_id="370203012003000") == world.C2
    for unknown in ["sfgov.org", "370203012000000", "第一网格"]:  # the subdistrict is not one
        with pytest.raises(NotFound):
            selectors.jurisdiction_resolve(jurisdiction_id=unknown)


def test_place_from_address_id_stays_in_the_community(world):
    c1 = world.C1

    assert selectors.place_from_address_id(community=c1, address_id=f"B{world.B2.pk}") == (
        selectors.Place(estate=world.E2, building=world.B2)
    )
    assert selectors.place_from_address_id(community=c1, address_id=f"h-{world.H1.pk}") == (
        selectors.Place(estate=world.E1, building=world.B1, household=world.H1)
    )
    assert selectors.place_from_address_id(community=c1, address_id=f"B{world.B3.pk}") is None
    assert selectors.place_from_address_id(community=c1, address_id=f"H{world.H3.pk}") is None
    assert selectors.place_from_address_id(community=c1, address_id="X1") is None


def test_place_from_address_string_does_not_confuse_1_and_11(world):
    eleven = Building.objects.create(estate=world.E1, name="11号楼", microgrid=world.M1)

    def place(text):
        return selectors.place_from_address_string(community=world.C1, address_string=text)

    assert place("方城路小区11号楼3单元") == selectors.Place(estate=world.E1, building=eleven)
    assert place("方城路小区 1号楼") == selectors.Place(estate=world.E1, building=world.B1)
    assert place("青岛市 方城路小区") == selectors.Place(estate=world.E1)
    assert place("2号楼") == selectors.Place(estate=world.E2, building=world.B2)
    assert place("武定苑") is None  # another community's estate


def test_place_from_address_string_matches_the_estates_street_address(world):
    world.E2.address = "方城路 18 号"
    world.E2.save()

    place = selectors.place_from_address_string(
        community=world.C1, address_string="山东省青岛市市北区方城路18号 2号楼"
    )

    assert place == selectors.Place(estate=world.E2, building=world.B2)


def test_place_default_is_the_communitys_oldest_estate(world):
    assert selectors.place_default(community=world.C1) == selectors.Place(estate=world.E1)
