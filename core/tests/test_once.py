"""A row whose key was saved a moment ago by the same person (another tab, a phone sending
what it kept) comes back as that row, not as a second one nor an error."""

import pytest
from django.utils import timezone

from core.once import save_once, written_before
from engagement.models import Visit

pytestmark = pytest.mark.django_db


def _visit(world, user, key="page-1"):
    return Visit(
        household=world.H1,
        visited_at=timezone.now(),
        visitors="网格员",
        heard="楼道灯坏了",
        logged_by=user,
        created_at=timezone.now(),
        idempotency_key=key,
    )


def test_the_second_save_of_a_key_returns_the_first_row(world):
    first, saved = save_once(_visit(world, world.grid_worker), logged_by=world.grid_worker)
    again, saved_again = save_once(_visit(world, world.grid_worker), logged_by=world.grid_worker)

    assert (saved, saved_again) == (True, False) and again == first
    assert Visit.objects.count() == 1
    assert written_before(Visit, "page-1", logged_by=world.grid_worker) == first


def test_a_key_is_each_persons_own_and_no_key_is_no_earlier_row(world):
    save_once(_visit(world, world.grid_worker), logged_by=world.grid_worker)

    other, saved = save_once(_visit(world, world.community), logged_by=world.community)
    assert saved and Visit.objects.count() == 2
    assert written_before(Visit, "", logged_by=world.grid_worker) is None
