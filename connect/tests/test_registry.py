import re

import pytest

from connect import services
from connect.models import ConnectedSystem
from connect.selectors import system_for_key

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/connect/connectedsystem/add/"
KEY = re.compile(r"hgjc_[A-Za-z0-9_\-]{43}")


def test_admin_registers_a_hotline_and_shows_its_key_once(world, client_for):
    admin = client_for(world.admin)

    response = admin.post(
        ADD_URL,
        {"name": "12345 市民热线", "kind": "hotline", "community": world.C1.pk},
        follow=True,
    )

    keys = KEY.findall(response.content.decode())
    assert len(keys) == 1
    system = ConnectedSystem.objects.get()
    assert system_for_key(key=keys[0]) == system
    assert (system.name, system.kind, system.community, system.company) == (
        "12345 市民热线",
        "hotline",
        world.C1,
        None,
    )
    assert system.user.has_usable_password() is False
    change_page = admin.get(f"/admin/connect/connectedsystem/{system.pk}/change/").content.decode()
    assert keys[0] not in change_page
    assert system.signing_secret in change_page  # the receiving side needs it to check us


@pytest.mark.parametrize("scope", [{}, {"community": "C1", "company": "P1"}])
def test_a_system_files_into_exactly_one_community_or_company(world, client_for, scope):
    data = {"name": "住这儿", "kind": "property_system"}
    data |= {field: getattr(world, name).pk for field, name in scope.items()}

    response = client_for(world.admin).post(ADD_URL, data)

    assert response.status_code == 200
    assert "对接系统只能对应一个社区或一家物业公司。" in response.content.decode()
    assert ConnectedSystem.objects.count() == 0


def test_a_revoked_key_stops_working_and_a_new_one_replaces_it(world):
    system, key = services.system_create(name="住这儿", kind="property_system", company=world.P1)

    services.system_key_revoke(system=system)
    assert system_for_key(key=key) is None

    new_key = services.system_key_rotate(system=system)
    assert system_for_key(key=new_key) == system
    assert system_for_key(key=key) is None
