"""Address lookup over REST: estates, their buildings, units and households, and a search by
address text, each within the caller's scope (outside it, as missing: 404)."""

import pytest
from django.test import Client

from api.services import token_create
from core.testing import make_user
from orgs.roles import Role

pytestmark = pytest.mark.django_db

NOT_FOUND = {"code": "not_found", "message": "Not found.", "fields": {}}


def _client(user):
    _token, key = token_create(user=user, name="lookup")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    client.cookies["django_language"] = "en"
    return client


def _get(user, url, **params):
    response = _client(user).get(f"/api/v1/orgs{url}", params)
    return response.status_code, response.json()


@pytest.fixture
def personas(world):
    """Who asks: in scope, another community, a property company of another estate, a
    stranger with an account."""
    return {
        "secretary": world.secretary,  # 方城路社区: E1, E2
        "grid worker": world.grid_worker,  # 第一网格: B1 of E1
        "manager": world.manager,  # 方圆物业: E1, E3
        "other company": world.other_manager,  # 德润物业: E2
        "other community": make_user("c2-staff", role=Role.COMMUNITY_STAFF, org_unit=world.C2),
        "stranger": world.nobody,
    }


def _each(personas, url, **params):
    return {name: _get(user, url, **params) for name, user in personas.items()}


def test_estates_down_to_households_in_scope_and_404_outside(world, personas):
    b1, unit, h1 = world.B1, world.H1.unit, world.H1
    ok = {
        "buildings": (200, [{"id": b1.pk, "name": "1号楼"}]),
        "units": (200, [{"id": unit.pk, "name": "1单元"}]),
        "households": (200, [{"id": h1.pk, "name": "101"}]),
    }
    missing = {level: (404, NOT_FOUND) for level in ok}
    in_scope = {"secretary", "grid worker", "manager"}

    seen = {
        name: {
            "buildings": _get(user, f"/estates/{world.E1.pk}/buildings"),
            "units": _get(user, f"/buildings/{b1.pk}/units"),
            "households": _get(user, f"/units/{unit.pk}/households"),
        }
        for name, user in personas.items()
    }

    assert seen == {name: ok if name in in_scope else missing for name in personas}


def test_the_estates_each_persona_sees(world, personas):
    # In the order of their names, which depends on the database's collation.
    seen = {
        name: sorted(e["code"] for e in body)
        for name, (_s, body) in _each(personas, "/estates").items()
    }

    assert seen == {
        "secretary": ["e1", "e2"],
        "grid worker": ["e1"],
        "manager": ["e1", "e3"],
        "other company": ["e2"],
        "other community": ["e3"],
        "stranger": [],
    }


def test_an_id_that_does_not_exist_looks_like_one_out_of_scope(world):
    for url in ("/estates/999999/buildings", "/buildings/999999/units", "/units/999999/households"):
        assert _get(world.admin, url) == (404, NOT_FOUND)


def test_a_lookup_without_a_token_is_unauthenticated(world):
    response = Client().get(f"/api/v1/orgs/estates/{world.E1.pk}/buildings")

    assert (response.status_code, response.json()["code"]) == (401, "unauthenticated")


def test_an_address_text_is_placed_within_the_scope(world, personas):
    e1 = {"id": world.E1.pk, "name": "方城路小区"}
    b1 = {"id": world.B1.pk, "name": "1号楼"}
    placed = [{"estate": e1, "building": b1, "unit": None, "household": None}]

    seen = _each(personas, "/addresses", q="方城路小区 1号楼2单元602")

    assert seen == {
        "secretary": (200, placed),
        "grid worker": (200, placed),
        "manager": (200, placed),
        "other company": (200, []),
        "other community": (200, []),
        "stranger": (200, []),
    }


def test_a_building_name_alone_is_placed_when_it_is_the_only_one_in_scope(world):
    status, body = _get(world.other_manager, "/addresses", q="2号楼 漏水")

    assert (status, body) == (
        200,
        [
            {
                "estate": {"id": world.E2.pk, "name": "华城苑"},
                "building": {"id": world.B2.pk, "name": "2号楼"},
                "unit": None,
                "household": None,
            }
        ],
    )


@pytest.mark.parametrize(
    ("params", "problem"),
    [
        ({}, "Field required"),
        ({"q": ""}, "String should have at least 1 character"),
        ({"q": "楼" * 201}, "String should have at most 200 characters"),
    ],
)
def test_an_address_search_needs_a_text_of_up_to_200_characters(world, params, problem):
    assert _get(world.secretary, "/addresses", **params) == (
        422,
        {"code": "invalid", "message": "The request is not valid.", "fields": {"q": [problem]}},
    )
