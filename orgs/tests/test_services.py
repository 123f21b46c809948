import pytest
from django.core.exceptions import ValidationError

from orgs.models import OrgUnit
from orgs.services import org_unit_create, org_unit_update

pytestmark = pytest.mark.django_db


def test_org_unit_create_builds_path_under_parent():
    sub = org_unit_create(kind="subdistrict", name="开平路街道")
    community = org_unit_create(kind="community", name="方城路社区", parent=sub)
    grid = org_unit_create(kind="grid", name="第一网格", parent=community)

    assert sub.path == f"{sub.pk:07d}."
    assert grid.path == f"{sub.pk:07d}.{community.pk:07d}.{grid.pk:07d}."
    assert grid.depth == 2


def test_org_unit_create_refuses_wrong_parent_kind():
    sub = org_unit_create(kind="subdistrict", name="开平路街道")

    with pytest.raises(ValidationError) as excinfo:
        org_unit_create(kind="grid", name="第一网格", parent=sub)

    assert "parent" in excinfo.value.message_dict
    assert OrgUnit.objects.count() == 1


def test_org_unit_create_refuses_malformed_grid_code():
    with pytest.raises(ValidationError) as excinfo:
        org_unit_create(kind="subdistrict", name="开平路街道", grid_code="37020301")

    assert "grid_code" in excinfo.value.message_dict


def test_org_unit_update_moving_a_grid_rewrites_its_subtree(world):
    org_unit_update(unit=world.G1, parent=world.C2)

    world.M1.refresh_from_db()
    world.G1.refresh_from_db()
    assert world.G1.path == f"{world.C2.path}{world.G1.pk:07d}."
    assert world.M1.path == f"{world.G1.path}{world.M1.pk:07d}."
    assert set(
        OrgUnit.objects.filter(path__startswith=world.C2.path).values_list("name", flat=True)
    ) == {
        "武定路社区",
        "第三网格",
        "3号微网格",
        "第一网格",
        "1号微网格",
    }
