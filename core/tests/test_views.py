import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from core.testing import PASSWORD

pytestmark = pytest.mark.django_db


def test_healthz_checks_the_database(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_language_switch_to_english(world, client_for):
    client = client_for(world.grid_worker)

    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("home")).content.decode()

    assert "Workbench" in html and "Grid worker" in html
    assert "工作台" not in html


def test_staff_login_with_password(world, client):
    response = client.post(reverse("login"), {"username": "wanggeyuan", "password": PASSWORD})

    assert response.status_code == 302
    assert client.get(reverse("home")).content.decode().count("工作台") >= 1


def test_staff_login_wrong_password_shows_message(world, client):
    response = client.post(reverse("login"), {"username": "wanggeyuan", "password": "nope"})

    assert response.status_code == 200
    assert "请输入一个正确的用户名和密码" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_staff_login_locks_out_after_repeated_failures(world, client):
    for _ in range(5):
        client.post(reverse("login"), {"username": "wanggeyuan", "password": "nope"})

    response = client.post(reverse("login"), {"username": "wanggeyuan", "password": PASSWORD})

    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get(username="wanggeyuan").failures_since_start >= 5


def test_staff_lockout_is_per_account_and_address(world, client):
    for _ in range(5):
        client.post(reverse("login"), {"username": "wanggeyuan", "password": "nope"})

    response = client.post(reverse("login"), {"username": "shuji", "password": PASSWORD})

    assert response.status_code == 302


def test_structure_page_lists_units_and_estates_in_scope(world, client_for):
    html = client_for(world.secretary).get(reverse("orgs:structure")).content.decode()

    assert "第一网格" in html and "华城苑" in html
    assert "第三网格" not in html and "武定苑" not in html


def test_estate_page_outside_scope_is_404(world, client_for):
    client = client_for(world.other_manager)

    own = client.get(reverse("orgs:estate", args=[world.E2.pk]))
    assert own.status_code == 200
    assert world.E2.name in own.content.decode()
    assert client.get(reverse("orgs:estate", args=[world.E1.pk])).status_code == 404


def test_structure_page_refused_to_residents(world, client_for):
    assert client_for(world.nobody).get(reverse("orgs:structure")).status_code == 403


def test_admin_speaks_chinese_and_lists_org_units(world, client_for):
    html = client_for(world.admin).get(reverse("admin:orgs_orgunit_changelist")).content.decode()

    assert "组织单元" in html and "方城路社区" in html


def test_admin_creates_org_unit_with_path(world, client_for):
    response = client_for(world.admin).post(
        reverse("admin:orgs_orgunit_add"),
        {
            "kind": "grid",
            "name": "第四网格",
            "parent": world.C2.pk,
            "grid_code": "",
            "sort": 0,
        },
    )

    assert response.status_code == 302
    from orgs.models import OrgUnit

    grid = OrgUnit.objects.get(name="第四网格")
    assert grid.path == f"{world.C2.path}{grid.pk:07d}."


def test_chinese_even_when_the_browser_asks_for_english(client):
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()

    assert "红管家" in html and 'lang="zh-hans"' in html


def test_unknown_language_cookie_falls_back_to_chinese(client):
    client.cookies["django_language"] = "xx"

    assert 'lang="zh-hans"' in client.get(reverse("home")).content.decode()
