import pytest

from catalog.services import catalogue_load_seed


@pytest.fixture
def catalogue(db):
    catalogue_load_seed()
