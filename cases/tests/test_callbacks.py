"""请回电: a resident who cannot type asks to be called; the community's staff see who is
waiting, call, and file what they heard (channel phone), which closes the request."""

import pytest
from django.urls import reverse

from cases import services
from cases.models import CallbackRequest, Case
from core.errors import ApplicationError, Forbidden, NotFound
from core.testing import make_user
from orgs.models import User
from orgs.roles import Role

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
    other_community = make_user("other-shequ", role=Role.COMMUNITY_STAFF, org_unit=world.C2)
    with pytest.raises(NotFound):
        services.callback_done(callback=asked, actor=other_community)
    with pytest.raises(Forbidden):
        services.callback_done(callback=asked, actor=User.objects.create(username="x"))
    assert CallbackRequest.objects.get().called_at is None


@pytest.mark.parametrize("bad", ["abc", "99999", "1e3"])
def test_a_bad_request_number_is_not_found(world, client_for, bad):
    response = client_for(world.community).get(reverse("cases:staff_new") + f"?callback={bad}")

    assert response.status_code == 404


def test_the_property_company_neither_sees_nor_closes_the_community_s_call_backs(
    world, asked, client_for
):
    """A call-back is asked of the community: the company's staff in the same estate do not
    read the resident's number from it."""
    for user in (world.manager, world.property_staff, world.technician):
        page = client_for(user).get(reverse("cases:callbacks"))
        assert world.R1.mobile not in page.content.decode()
        with pytest.raises((Forbidden, NotFound)):
            services.callback_done(callback=asked, actor=user)
    assert CallbackRequest.objects.get().called_at is None


def test_a_case_typed_while_a_colleague_closed_the_call_back_is_still_filed(
    world, asked, client_for
):
    page = reverse("cases:staff_new") + f"?callback={asked.pk}"
    client = client_for(world.community)
    client.get(page)  # the form is open on one desk
    services.callback_done(callback=asked, actor=world.secretary)  # a colleague: nothing to file

    response = client.post(
        page,
        {
            "item": "RB15",
            "description": "回电：楼上漏水，厨房天花板滴水",
            "channel": "phone",
            "resident_mobile": world.R1.mobile,
            "household": world.H1.pk,
            "idempotency_key": "cb2",
        },
        follow=True,
    )

    assert Case.objects.count() == 1  # the words typed are not lost
    assert "已有同事给这位居民回过电话了" in response.content.decode()
    asked.refresh_from_db()
    assert (asked.called_by, asked.case) == (world.secretary, None)
