"""The care lists make as many queries for three rows as for one (no query per row): people
in care, today's visits and reassessments, the care alerts, and a person's visits and
assessments."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from care import services, worker
from care.tests.conftest import CALM, tag
from core.testing import make_resident, page_queries
from residents.services import ConsentGiven

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrol(world):
    """Enrol one more resident of H1 (grid G1), two days ago: due a visit and an assessment."""
    people = iter([("王秀兰", "13905321001"), ("李桂芳", "13905321002"), ("张淑珍", "13905321003")])

    def _enrol():
        name, mobile = next(people)
        resident = make_resident(name=name, mobile=mobile, household=world.H1)
        return services.recipient_enroll(
            actor=world.grid_worker,
            resident=tag(resident, "elderly_alone"),
            consent=ConsentGiven(),
            now=timezone.now() - timedelta(days=2),
        )

    return _enrol


@pytest.mark.parametrize("url", [reverse("care:list"), reverse("care:today")])
def test_care_lists_make_the_same_queries_for_three_people_as_for_one(
    world, enrol, client_for, url
):
    client = client_for(world.grid_worker)
    recipients = [enrol()]
    _r, one = page_queries(client, url)
    recipients += [enrol(), enrol()]
    page, three = page_queries(client, url)

    html = page.content.decode()
    assert [html.count(f'data-recipient="{r.pk}"') for r in recipients] == [1, 1, 1]
    assert len(three) == len(one), "\n".join(three)


def test_care_alerts_make_the_same_queries_for_three_as_for_one(world, enrol, client_for):
    client = client_for(world.grid_worker)
    url = reverse("cases:notifications")  # the alerts head the notifications and home pages
    enrol()
    worker.alerts_due(now=timezone.now())
    _r, one = page_queries(client, url)
    enrol(), enrol()
    worker.alerts_due(now=timezone.now())
    page, three = page_queries(client, url)

    html = page.content.decode()
    assert html.count('data-care-alert="visit_overdue"') == 3
    assert html.count('data-care-alert="reassessment_due"') == 3
    assert len(three) == len(one), "\n".join(three)


def test_a_persons_visits_and_assessments_make_the_same_queries_for_three_as_for_one(
    world, enrol, client_for
):
    recipient = enrol()
    client = client_for(world.grid_worker)
    url = reverse("care:recipient", args=[recipient.pk])

    def visit_and_assess(n):
        services.visit_log(
            actor=world.grid_worker,
            recipient=recipient,
            visited_at=timezone.now() - timedelta(hours=n),
            kind="home",
            visitors="赵志强",
            wellbeing="good",
            findings=f"第{n}次走访，精神不错",
        )
        services.assessment_record(actor=world.grid_worker, recipient=recipient, answers=CALM)

    visit_and_assess(1)
    _r, one = page_queries(client, url)
    visit_and_assess(2), visit_and_assess(3)
    page, three = page_queries(client, url)

    html = page.content.decode()
    assert (html.count("data-visit="), html.count("data-assessment=")) == (3, 3)
    assert len(three) == len(one), "\n".join(three)
