"""`validated`: the one way a service turns Django's validation into our error."""

import pytest
from django.utils import translation

from core.errors import ApplicationError, validated
from orgs.models import OrgUnit

pytestmark = pytest.mark.django_db


def test_validated_refuses_with_every_message_and_changes_nothing(world):
    unit = OrgUnit(kind="grid", name="", parent=world.C1)

    with translation.override("en"), pytest.raises(ApplicationError) as refused:
        validated(unit, exclude=["path"])

    assert (refused.value.code, refused.value.status) == ("invalid", 400)
    assert refused.value.message == "This field cannot be blank."
    assert OrgUnit.objects.filter(name="").count() == 0


def test_validated_lets_a_valid_object_through(world):
    unit = OrgUnit(kind="grid", name="第四网格", parent=world.C1)

    validated(unit, exclude=["path"])

    assert unit.pk is None  # checked, not saved: the service saves
