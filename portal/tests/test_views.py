"""The home pages: the landing page, the staff workbench and the resident's start page."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

STAFF_PERSONAS = {
    "subdistrict": "街道工作人员",
    "secretary": "社区书记",
    "community": "社区工作人员",
    "grid_worker": "网格员",
    "microgrid_leader": "微网格长",
    "partner": "合伙单位",
    "manager": "物业经理",
    "property_staff": "物业客服",
}


def test_home_anonymous_is_the_landing_page_in_chinese(client):
    html = client.get(reverse("home")).content.decode()

    assert "红管家" in html
    assert 'href="/accounts/resident/"' in html
    assert 'lang="zh-hans"' in html


@pytest.mark.parametrize("persona", sorted(STAFF_PERSONAS))
def test_home_staff_sees_workbench_with_role_and_scope_counts(world, client_for, persona):
    html = client_for(getattr(world, persona)).get(reverse("home")).content.decode()

    assert "工作台" in html
    assert STAFF_PERSONAS[persona] in html


def test_a_technicians_home_is_their_jobs(world, client_for):
    response = client_for(world.technician).get(reverse("home"))

    assert response.status_code == 302 and response.url == reverse("cases:jobs")


def test_home_counts_follow_the_scope(world, client_for):
    html = client_for(world.grid_worker).get(reverse("home")).content.decode()

    assert 'data-stat="estates">1<' in html
    assert 'data-stat="households">1<' in html
    assert 'data-stat="residents">1<' in html


def test_home_resident_sees_own_household_and_full_mobile(world, client_for):
    world.R1.user = world.nobody
    world.R1.save()

    html = client_for(world.nobody).get(reverse("home")).content.decode()

    assert "方城路小区" in html and world.R1.mobile in html
    assert "工作台" not in html


def test_the_elder_mode_switch_remembers_the_choice_and_stays_on_this_site(db, client):
    on = client.post(reverse("elder_mode"), {"on": "1", "next": "https://evil.example.com/"})
    off = client.post(reverse("elder_mode"), {"on": "yes please", "next": "/services/"})

    assert (on.status_code, on.url, on.cookies["hgj_elder"].value) == (302, "/", "1")
    assert (off.url, off.cookies["hgj_elder"].value) == ("/services/", "0")  # only "1" is on
    assert client.get(reverse("elder_mode")).status_code == 405


def test_a_grid_workers_home_starts_with_todays_round(world, report, client_for):
    from care.services import recipient_enroll
    from residents.models import Tag
    from residents.services import ConsentGiven

    now = timezone.now()
    later = report(now=now, text="楼道灯坏了")
    sooner = report(now=now - timedelta(days=20), text="化粪池冒水")  # long overdue
    elsewhere = report(now=now, estate=world.E3, building=world.B3, text="别的社区的事")
    world.R1.tags.add(*Tag.objects.filter(code="elderly_alone"))
    cared = recipient_enroll(
        actor=world.grid_worker, resident=world.R1, consent=ConsentGiven(), now=now
    )

    html = client_for(world.grid_worker).get(reverse("home")).content.decode()

    assert "今日任务" in html
    shown = re.findall(r'data-round-case="([^"]+)"', html)
    assert shown == [sooner.tracking_no, later.tracking_no]  # the soonest due first
    assert elsewhere.tracking_no not in html
    assert "已逾期" in html.split(f'data-round-case="{sooner.tracking_no}"')[1].split("</a>")[0]
    assert f'data-recipient="{cared.pk}"' in html
    assert reverse("engagement:visit_new") in html
    assert "data-round" not in client_for(world.secretary).get(reverse("home")).content.decode()
