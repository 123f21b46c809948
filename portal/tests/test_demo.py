from io import StringIO

import pytest
from django.core.management import call_command

from orgs.models import Estate, Household, OrgUnit, StaffMembership, User
from orgs.roles import Role
from residents.demo import DEMO_RESIDENT_MOBILE
from residents.models import Resident

pytestmark = pytest.mark.django_db


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (OrgUnit, Estate, Household, Resident, User, StaffMembership)
    }


def test_demo_loads_the_community_once_and_again_changes_nothing():
    call_command("demo", "--cases", "30", stdout=StringIO())
    first = _counts()
    call_command("demo", "--cases", "30", stdout=StringIO())

    assert _counts() == first
    fangcheng = OrgUnit.objects.get(name="方城路社区")
    households = Household.objects.filter(unit__building__estate__community=fangcheng).count()
    residents = (
        Resident.objects.filter(ties__household__unit__building__estate__community=fangcheng)
        .distinct()
        .count()
    )
    assert Estate.objects.filter(community=fangcheng).count() == 2
    assert 3800 <= households <= 4400
    assert 11000 <= residents <= 13000
    assert OrgUnit.objects.filter(kind="community").count() == 3
    assert set(StaffMembership.objects.values_list("role", flat=True)) == set(Role.values)
    assert Resident.objects.filter(mobile=DEMO_RESIDENT_MOBILE).exists()
    assert User.objects.get(username="admin").is_superuser


def test_demo_data_passes_model_validation():
    call_command("demo", "--cases", "30", stdout=StringIO())

    for resident in Resident.objects.order_by("?")[:200]:
        resident.full_clean()
    for membership in StaffMembership.objects.all():
        membership.full_clean()
