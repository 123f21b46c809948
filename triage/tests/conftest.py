import pytest

from triage.services import model_train


@pytest.fixture
def trained(catalogue):
    """A model trained on the seeded catalogue alone."""
    return model_train(reason="test")
