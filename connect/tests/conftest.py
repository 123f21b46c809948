import pytest

from connect import services
from triage.tests.conftest import _trained_rows, trained  # noqa: F401  (the model, for triage)


@pytest.fixture
def hotline(world, catalogue):
    """The city hotline, filing into 方城路社区 (C1); its key is `hotline.key`."""
    system, key = services.system_create(name="12345 市民热线", kind="hotline", community=world.C1)
    system.key = key
    return system


@pytest.fixture
def company_app(world, catalogue):
    """方圆物业's own app, filing for its estates (E1 in C1, E3 in C2)."""
    system, key = services.system_create(name="住这儿", kind="property_system", company=world.P1)
    system.key = key
    return system
