"""An enrolment is reached only through a programme the user sees: staff of another area and
residents of another community get the same 404 as for an enrolment that does not exist."""

from datetime import date

import pytest
from django.urls import reverse

from core.testing import make_user
from engagement import services
from orgs.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolment(eng):
    programme = services.programme_create(
        actor=eng.world.community,
        name="在城长 2026秋季",
        community=eng.world.C1,
        venue=eng.venue,
        term_start=date(2026, 9, 1),
        term_end=date(2027, 1, 20),
        capacity=2,
    )
    return services.enrol_by_guardian(
        user=eng.u1, programme=programme, child=eng.child, consent=True
    )


def test_withdrawing_an_enrolment_outside_the_area_looks_missing(eng, enrolment, client_for):
    other_area = make_user("wudinglu", role=Role.COMMUNITY_STAFF, org_unit=eng.world.C2)
    url = reverse("engagement:enrolment_withdraw", args=[enrolment.pk])
    missing = reverse("engagement:enrolment_withdraw", args=[enrolment.pk + 1000])

    answers = [
        client_for(other_area).post(url).status_code,
        client_for(eng.u3).post(url).status_code,  # a resident of 武定路社区
        client_for(eng.world.community).post(missing).status_code,
    ]

    enrolment.refresh_from_db()
    assert answers == [404, 404, 404] and enrolment.withdrawn_at is None


def test_the_guardian_withdraws_their_child(eng, enrolment, client_for):
    answer = client_for(eng.u1).post(reverse("engagement:enrolment_withdraw", args=[enrolment.pk]))

    enrolment.refresh_from_db()
    assert answer.url == reverse("engagement:programme", args=[enrolment.programme_id])
    assert enrolment.withdrawn_at is not None
