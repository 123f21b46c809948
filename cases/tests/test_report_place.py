"""A public spot is picked step by step on the report form: the estate (the resident's own,
chosen already when there is one), a building in it or the estate's grounds, a unit of that
building; each choice redraws the later steps, and nothing outside the person's places is
offered or accepted."""

import pytest
from django.urls import reverse

from cases.models import Case
from orgs.models import Building, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def b10(world):
    """A second building of 方城路小区 (E1), with two units."""
    building = Building.objects.create(estate=world.E1, name="10号楼", microgrid=world.M1)
    for name in ("1单元", "2单元"):
        Unit.objects.create(building=building, name=name)
    return building


def _report(client, world, **place):
    data = {
        "description": "楼道的灯坏了好几天，晚上看不见台阶",
        "item": "RB01",
        "household": "",
        "location_text": "三楼",
        "idempotency_key": "k1",
        **place,
    }
    return client.post(reverse("cases:report"), data)


def test_the_residents_estate_is_chosen_and_its_buildings_offered(world, resident_client, b10):
    html = resident_client.get(reverse("cases:report")).content.decode()
    place = html.split('id="report-place"')[1].split("</fieldset>")[0]
    assert f'<option value="{world.E1.pk}" selected>方城路小区</option>' in place
    assert "10号楼" in place and "1号楼" in place
    assert "华城苑" not in place and "2号楼" not in place  # not an estate of theirs
    assert 'name="unit"' not in place  # no building chosen yet: no units to choose from


def test_choosing_a_building_offers_its_units(world, resident_client, b10):
    html = resident_client.get(
        reverse("cases:place_fields"), {"estate": world.E1.pk, "building": b10.pk}
    ).content.decode()
    assert f'<option value="{b10.pk}" selected>10号楼</option>' in html
    assert "2单元" in html and html.count("单元</option>") == 2


def test_a_unit_of_a_public_spot_is_filed_with_its_building(world, resident_client, b10):
    unit = b10.units.get(name="2单元")
    _report(resident_client, world, estate=world.E1.pk, building=b10.pk, unit=unit.pk)

    case = Case.objects.get()
    assert (case.estate, case.building, case.household) == (world.E1, b10, None)
    assert case.location_text == "2单元 三楼"
    assert case.owner_unit == world.M1  # the building's micro-grid receives it


def test_the_estates_grounds_are_filed_to_its_community(world, resident_client, b10):
    _report(resident_client, world, estate=world.E1.pk, building="")

    case = Case.objects.get()
    assert (case.estate, case.building) == (world.E1, None)
    assert case.owner_unit == world.C1


@pytest.mark.parametrize(
    "place",
    [
        {"estate": "E2"},  # another estate
        {"estate": "E1", "building": "B2"},  # a building of another estate
        {"estate": "E1", "building": "B1", "unit": "B10 unit"},  # a unit of another building
        {"estate": "nonsense"},
        {"estate": "²"},  # a digit to str.isdigit, not to int()
    ],
)
def test_a_place_outside_the_residents_is_refused_and_nothing_filed(
    world, resident_client, b10, place
):
    ids = {"E1": world.E1.pk, "E2": world.E2.pk, "B1": world.B1.pk, "B2": world.B2.pk}
    ids["B10 unit"] = b10.units.first().pk
    response = _report(resident_client, world, **{k: ids.get(v, v) for k, v in place.items()})

    assert response.status_code == 200 and "重新选择" in response.content.decode()
    assert not Case.objects.exists()


def test_staff_pick_any_estate_of_their_scope(world, client_for, b10):
    html = (
        client_for(world.community)
        .get(reverse("cases:place_fields"), {"estate": world.E2.pk})
        .content.decode()
    )
    assert "2号楼" in html and "10号楼" not in html


def test_the_place_steps_answer_any_query_without_an_error(world, resident_client, b10):
    for query in ({"estate": "²", "building": "x"}, {"building": "99999"}, {"unit": "-1"}):
        assert resident_client.get(reverse("cases:place_fields"), query).status_code == 200


def test_unchoosing_the_estate_takes_its_buildings_and_units_away(world, resident_client, b10):
    html = resident_client.get(
        reverse("cases:place_fields"), {"estate": "", "building": b10.pk, "unit": ""}
    ).content.decode()
    assert '<option value="" selected>请选择小区</option>' in html
    assert "10号楼" not in html and 'name="unit"' not in html
