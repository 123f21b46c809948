from types import SimpleNamespace

import pytest

from engagement.tests.factories import (
    make_activity,
    make_household_member,
    make_venue,
    resident_user,
)


@pytest.fixture
def eng(world):
    """Venues in both communities, an activity in C1 and resident accounts.

    R1 (H1, community C1) has a child in the household; R2 (H2) is also in C1; R3 in C2.
    """
    e = SimpleNamespace(world=world)
    e.venue = make_venue(world.C1, name="先锋驿站", capacity=50)
    e.other_venue = make_venue(world.C2, name="幸福驿站", capacity=30)
    e.activity = make_activity(e.venue, capacity=2)
    e.child = make_household_member(world.H1, name="居民1的孩子", mobile="13905329901")
    e.neighbour = make_household_member(world.H2, name="邻居", mobile="13905329902")
    e.u1 = resident_user(world.R1)
    e.u2 = resident_user(world.R2)
    e.u3 = resident_user(world.R3)
    e.u_neighbour = resident_user(e.neighbour)
    return e


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in the source language, whatever the catalogues hold."""
    from django.utils import translation

    with translation.override("en"):
        yield
