"""请回电: a resident who cannot type asks to be called; the community's staff see who is
waiting, call, and file what they heard (channel phone), which closes the request."""

import pytest
from django.urls import reverse

from cases import services
from cases.models import CallbackRequest, Case
from core.errors import ApplicationError, Forbidden, NotFound
from orgs.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(world, resident_client):
    resident_client.post(reverse("cases:callback"), {"note": "楼上漏水"})
    return CallbackRequest.objects.get()


def test_asking_twice_waits_once_and_says_the_masked_number(world, resident_client):
    first = resident_client.post(reverse("cases:callback"), follow=True).content.decode()
    resident_client.post(reverse("cases:callback"))

    assert CallbackRequest.objects.filter(called_at__isnull=True).count() == 1
    message = first.split('role="alert">')[1].split("</div>")[0]
    assert "139****0001" in message and world.R1.mobile not in message


def test_the_community_sees_who_is_waiting_and_the_other_estates_staff_do_not(
    world, asked, client_for
):
    community = client_for(world.community).get(reverse("cases:callbacks")).content.decode()
    other = client_for(world.other_manager).get(reverse("cases:callbacks")).content.decode()

    assert f'data-callback="{asked.pk}"' in community and world.R1.mobile in community
    assert 'data-callbacks-waiting="1"' in community  # on the bar
    assert f'data-callback="{asked.pk}"' not in other


def test_filing_the_call_as_a_case_closes_the_request(world, asked, client_for):
    client = client_for(world.community)
    page = reverse("cases:staff_new") + f"?callback={asked.pk}"
    form = client.get(page).content.decode()
    assert "data-calling-back" in form and world.R1.mobile in form

    client.post(
        page,
        {
            "item": "RB15",
            "description": "回电：楼上漏水，厨房天花板滴水",
            "channel": "phone",
            "resident_mobile": world.R1.mobile,
            "household": world.H1.pk,
            "idempotency_key": "cb1",
        },
    )

    asked.refresh_from_db()
    case = Case.objects.get()
    assert (case.channel, case.resident) == ("phone", world.R1)
    assert (asked.case, asked.called_by) == (case, world.community)


def test_two_staff_calling_back_the_second_is_told(world, asked):
    services.callback_done(callback=asked, actor=world.community)

    with pytest.raises(ApplicationError, match="回过电话"):
        services.callback_done(callback=asked, actor=world.secretary)


def test_who_may_not_close_a_request(world, asked):
    with pytest.raises(NotFound):
        services.callback_done(callback=asked, actor=world.other_manager)
    with pytest.raises(Forbidden):
        services.callback_done(callback=asked, actor=User.objects.create(username="x"))
    assert CallbackRequest.objects.get().called_at is None


@pytest.mark.parametrize("bad", ["abc", "99999", "1e3"])
def test_a_bad_request_number_is_not_found(world, client_for, bad):
    response = client_for(world.community).get(reverse("cases:staff_new") + f"?callback={bad}")

    assert response.status_code == 404
