"""Reads of residents that other apps share."""

import pytest

from orgs.models import Building
from residents.selectors import homes_of

pytestmark = pytest.mark.django_db


def test_a_resident_reports_for_their_household_and_any_building_of_its_estate(world):
    next_door = Building.objects.create(estate=world.E1, name="2号楼", microgrid=world.M1)

    households, buildings = homes_of(resident=world.R1)

    assert list(households) == [world.H1]
    assert set(buildings) == {world.B1, next_door}


def test_someone_who_is_no_resident_reports_for_no_home(world):
    households, buildings = homes_of(resident=None)

    assert (list(households), list(buildings)) == ([], [])
