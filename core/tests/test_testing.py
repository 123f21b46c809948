"""The shared fixtures are copies of what their builders write, and never in a test's way."""

import json
from collections import Counter

import pytest
from django.db import models, transaction

from catalog.services import catalogue_load_seed
from core.testing import _table_rows, build_world
from orgs.fields import PathField
from orgs.models import OrgUnit, User

pytestmark = pytest.mark.django_db


def _contents() -> dict[str, Counter]:
    """Each table's rows without keys (paths are made of keys), clocks and salted hashes, which
    differ from build to build."""
    contents = {}
    for model, rows in _table_rows().items():
        kept = [
            i
            for i, field in enumerate(model._meta.concrete_fields)
            if not (
                field.primary_key
                or field.is_relation
                or isinstance(field, (PathField, models.DateTimeField))
                or field.name == "password"
            )
        ]
        contents[model._meta.label] = Counter(
            tuple(_hashable(row[i]) for i in kept) for row in rows.values()
        )
    return contents


def _hashable(value):
    return json.dumps(value, sort_keys=True) if isinstance(value, list | dict) else value


def test_the_shared_world_is_what_building_it_writes(_world_rows):
    with transaction.atomic():
        built = build_world()
        expected = _contents()
        transaction.set_rollback(True)

    world = _world_rows.replay()

    assert _contents() == expected
    assert {name: str(row) for name, row in vars(world).items()} == {
        name: str(row) for name, row in vars(built).items()
    }
    assert world.manager.check_password("correct-horse-battery")
    assert [m.role for m in world.grid_worker.memberships.all()] == ["grid_worker"]


def test_a_test_holding_rows_in_the_way_gets_the_world_built_afresh(_world_rows):
    _model, taken = _world_rows.names["S"]
    first = OrgUnit.objects.create(pk=taken, kind="subdistrict", name="另一个街道", path="x")

    world = _world_rows.replay()

    assert world.S.name == "开平路街道" and world.S.pk != first.pk
    assert OrgUnit.objects.count() == 10 and User.objects.count() == 12


def test_the_shared_catalogue_is_what_loading_the_seed_writes(_catalogue_rows):
    with transaction.atomic():
        catalogue_load_seed()
        expected = _contents()
        transaction.set_rollback(True)

    _catalogue_rows.replay()

    assert _contents() == expected
