import pytest

from core.testing import Snapshot
from triage.services import model_train


@pytest.fixture(scope="session")
def _trained_rows(_world_rows, _catalogue_rows, django_db_blocker):
    return Snapshot.record(
        lambda: model_train(reason="test"), django_db_blocker, on=[_world_rows, _catalogue_rows]
    )


@pytest.fixture
def trained(world, catalogue, _trained_rows):
    """A model trained on the seeded catalogue and the world's places alone (trained once per
    session, copied into each test)."""
    return _trained_rows.replay()
