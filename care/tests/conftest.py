from types import SimpleNamespace

import pytest

from alliance.models import Partner
from care import services
from core.testing import T0, make_resident, make_user
from orgs.roles import Role
from residents.models import Tag
from residents.services import ConsentGiven


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in the source language, whatever the catalogues hold."""
    from django.utils import translation

    with translation.override("en"):
        yield


def tag(resident, *codes):
    resident.tags.add(*Tag.objects.filter(code__in=codes))
    return resident


@pytest.fixture
def care(world):
    """R1 (H1, grid G1, community C1) lives alone and is enrolled at T0 by G1's grid worker.

    R2 (H2, grid G2) lives alone too but is not enrolled; a volunteer lives in H2; a social
    organisation serves C1 with the `hehuoren` partner account; G2 has its own grid worker.
    """
    c = SimpleNamespace(world=world)
    tag(world.R1, "elderly_alone")
    tag(world.R2, "elderly_alone")
    c.volunteer = tag(make_resident(name="志愿者", mobile="13905329911"), "volunteer")
    c.other_grid_worker = make_user("wanggeyuan2", role=Role.GRID_WORKER, org_unit=world.G2)
    c.other_community_worker = make_user("wanggeyuan3", role=Role.GRID_WORKER, org_unit=world.G3)
    c.partner = Partner.objects.create(
        kind=Partner.Kind.SOCIAL_ORGANISATION, name="爱无限", joined_on=T0.date()
    )
    c.partner.communities.add(world.C1)
    c.partner.members.add(world.partner)
    c.recipient = services.recipient_enroll(
        actor=world.grid_worker, resident=world.R1, consent=ConsentGiven(), now=T0
    )
    return c


# Answers scoring 0 everywhere, and helpers to raise single questions.
CALM = {
    "mobility": 0,
    "daily_living": 0,
    "illness": 0,
    "falls": 0,
    "mood": 0,
    "memory": 0,
    "contact": 0,
    "family": 0,
    "income": 0,
    "home_safety": 0,
}


def answers(**changes):
    return CALM | changes


@pytest.fixture
def as_user(client_for):
    """A client signed in as the user, reading pages in English."""

    def _as_user(user):
        client = client_for(user)
        client.cookies["django_language"] = "en"
        return client

    return _as_user
