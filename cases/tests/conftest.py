import pytest

from core.testing import SH, T0  # noqa: F401  (the clock the case tests start from)


@pytest.fixture
def resident_client(world, catalogue, client_for):
    """A signed-in client for resident R1 of household H1 (world.resident_user)."""
    from orgs.models import User

    user = User.objects.create(username="resident-r1")
    world.R1.user = user
    world.R1.save()
    world.resident_user = user
    return client_for(user)
