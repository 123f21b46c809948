from types import SimpleNamespace

import pytest

from alliance import services
from core.testing import T0


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def as_user(client_for):
    def _as_user(user):
        client = client_for(user)
        client.cookies["django_language"] = "en"
        return client

    return _as_user


@pytest.fixture
def alliance(world):
    """爱无限 (a social organisation acting through the `hehuoren` account) serves C1;
    方圆物业 (P1) joined as a property company serving C1 and C2."""
    a = SimpleNamespace(world=world)
    a.social = services.partner_create(
        actor=world.secretary,
        kind="social_organisation",
        name="爱无限",
        communities=[world.C1],
        members=[world.partner],
        joined_on=T0.date(),
        party_branch="爱无限党支部",
    )
    a.company = services.partner_create(
        actor=world.admin,
        kind="property_company",
        name="",
        company=world.P1,
        communities=[world.C1, world.C2],
        joined_on=T0.date(),
    )
    return a
