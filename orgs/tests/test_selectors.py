"""The scope matrix: for each role, what is inside is visible and what is outside is missing."""

import pytest
from django.contrib.auth.models import AnonymousUser

from core.errors import NotFound
from orgs.selectors import estate_get_for, path_ancestors, scope_for

pytestmark = pytest.mark.django_db

# persona -> (estates, buildings, households) visible, by name in the test world
MATRIX = {
    "admin": ({"E1", "E2", "E3"}, {"B1", "B2", "B3"}, {"H1", "H2", "H3"}),
    "subdistrict": ({"E1", "E2", "E3"}, {"B1", "B2", "B3"}, {"H1", "H2", "H3"}),
    "secretary": ({"E1", "E2"}, {"B1", "B2"}, {"H1", "H2"}),
    "community": ({"E1", "E2"}, {"B1", "B2"}, {"H1", "H2"}),
    "partner": ({"E1", "E2"}, {"B1", "B2"}, {"H1", "H2"}),
    "grid_worker": ({"E1"}, {"B1"}, {"H1"}),
    "microgrid_leader": ({"E1"}, {"B1"}, {"H1"}),
    "manager": ({"E1", "E3"}, {"B1", "B3"}, {"H1", "H3"}),
    "property_staff": ({"E1", "E3"}, {"B1", "B3"}, {"H1", "H3"}),
    "technician": ({"E1", "E3"}, {"B1", "B3"}, {"H1", "H3"}),
    "other_manager": ({"E2"}, {"B2"}, {"H2"}),
    "nobody": (set(), set(), set()),
}


def _names(world, queryset, prefix):
    by_pk = {getattr(world, f"{prefix}{n}").pk: f"{prefix}{n}" for n in (1, 2, 3)}
    return {by_pk[pk] for pk in queryset.values_list("pk", flat=True)}


@pytest.mark.parametrize("persona", sorted(MATRIX))
def test_scope_for_each_role_sees_exactly_its_area(world, persona):
    scope = scope_for(getattr(world, persona))
    estates, buildings, households = MATRIX[persona]

    assert _names(world, scope.estates(), "E") == estates
    assert _names(world, scope.buildings(), "B") == buildings
    assert _names(world, scope.households(), "H") == households


@pytest.mark.parametrize("persona", sorted(MATRIX))
def test_estate_get_for_outside_scope_looks_missing(world, persona):
    user = getattr(world, persona)
    visible = MATRIX[persona][0]
    for name in ("E1", "E2", "E3"):
        estate = getattr(world, name)
        if name in visible:
            assert estate_get_for(user=user, estate_id=estate.pk) == estate
        else:
            with pytest.raises(NotFound):
                estate_get_for(user=user, estate_id=estate.pk)
    with pytest.raises(NotFound):
        estate_get_for(user=user, estate_id=999999)


def test_scope_org_units_are_the_subtree(world):
    assert set(scope_for(world.secretary).org_units()) == {
        world.C1,
        world.G1,
        world.G2,
        world.M1,
        world.M2,
    }
    assert set(scope_for(world.grid_worker).org_units()) == {world.G1, world.M1}
    assert list(scope_for(world.manager).org_units()) == []


def test_scope_for_anonymous_and_residents_is_empty(world):
    for user in (AnonymousUser(), world.nobody):
        scope = scope_for(user)
        assert scope.is_staff is False
        assert scope.estates().count() == 0


def test_scope_with_nested_memberships_keeps_the_outer_one(world):
    from orgs.services import membership_create

    membership_create(user=world.grid_worker, role="community_staff", org_unit=world.C2)
    world.grid_worker.refresh_from_db()

    scope = scope_for(world.grid_worker)

    assert scope.org_paths == tuple(sorted([world.G1.path, world.C2.path]))
    assert _names(world, scope.estates(), "E") == {"E1", "E3"}
    assert scope.primary_role == "community_staff"


def test_scope_companies_include_those_managing_visible_estates(world):
    assert set(scope_for(world.secretary).companies()) == {world.P1, world.P2}
    assert set(scope_for(world.manager).companies()) == {world.P1}


def test_path_ancestors_run_from_the_subdistrict_down_to_the_unit_itself(world):
    microgrid = world.M1

    assert path_ancestors(microgrid.path) == [
        world.S.path,
        world.C1.path,
        world.G1.path,
        microgrid.path,
    ]
