"""A technician's day: their jobs, not the company's inbox, and the resident called in one tap."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import selectors, services
from cases.models import Action, Case
from orgs.models import User
from residents.models import PersonalDataAccess

pytestmark = pytest.mark.django_db


def _assigned(report, world, *, text="楼道灯坏了", hours=0):
    case = report(now=timezone.now() - timedelta(hours=hours), text=text)
    services.case_accept(case=case, actor=world.manager)
    services.case_assign(case=case, actor=world.manager, assignee=world.technician)
    return Case.objects.get(pk=case.pk)


def _fresh(user):
    return User.objects.get(pk=user.pk)  # its scope read again


def test_a_technician_sees_the_cases_assigned_to_them_not_the_company_inbox(
    world, report, client_for
):
    unassigned = report(now=timezone.now(), text="电梯按键没反应")
    mine = _assigned(report, world)
    client = client_for(world.technician)

    inbox = client.get(reverse("cases:inbox"), {"tab": "all"}).content.decode()
    assert mine.tracking_no in inbox and unassigned.tracking_no not in inbox
    assert client.get(reverse("cases:detail", args=[unassigned.pk])).status_code == 404
    assert client.get(reverse("cases:detail", args=[mine.pk])).status_code == 200
    jobs = client.get(reverse("cases:jobs")).content.decode()
    assert f'data-job="{mine.tracking_no}"' in jobs
    assert unassigned.tracking_no not in jobs
    # The company's desk still sees both.
    desk = client_for(world.property_staff).get(reverse("cases:inbox"), {"tab": "all"})
    assert {mine.tracking_no, unassigned.tracking_no} <= set(desk.content.decode().split('"'))


def test_the_soonest_due_job_comes_first(world, report):
    later = _assigned(report, world, text="楼道灯坏了")
    # Two weeks apart: whatever day it is, no weekend or holiday gives both one deadline.
    sooner = _assigned(report, world, text="单元门关不上", hours=24 * 14)

    assert sooner.resolution_due < later.resolution_due
    assert selectors.jobs_for(user=_fresh(world.technician)).mine == [sooner, later]


def test_a_company_may_let_technicians_see_its_open_cases_nobody_is_assigned_to(
    world, report, client_for
):
    world.P1.technicians_see_unassigned = True
    world.P1.save()
    open_case = report(now=timezone.now(), text="电梯按键没反应")
    done = report(now=timezone.now(), text="楼道里堆满了纸箱")
    services.case_accept(case=done, actor=world.manager)
    services.case_resolve(case=Case.objects.get(pk=done.pk), actor=world.manager, note="已清理")
    mine = _assigned(report, world)

    jobs = selectors.jobs_for(user=_fresh(world.technician))
    assert (jobs.mine, jobs.pool) == ([mine], [Case.objects.get(pk=open_case.pk)])
    client = client_for(world.technician)
    assert client.get(reverse("cases:detail", args=[open_case.pk])).status_code == 200
    assert client.get(reverse("cases:detail", args=[done.pk])).status_code == 404  # resolved
    # Another company's technician sees none of it.
    other = User.objects.create(username="other-technician")
    other.memberships.create(role="technician", company=world.P2)
    assert selectors.jobs_for(user=other) == selectors.Jobs(mine=[], pool=[])


def test_one_tap_calls_the_resident_and_is_recorded_as_the_first_contact(world, report, client_for):
    case = _assigned(report, world)
    assert case.first_response_at is None

    response = client_for(world.technician).post(reverse("cases:call_contact", args=[case.pk]))

    assert response.status_code == 302 and response["Location"] == f"tel:{world.R1.mobile}"
    case.refresh_from_db()
    assert case.first_response_at is not None
    event = case.events.get(action=Action.CALL_CONTACT)
    assert (event.actor, event.public) == (world.technician, False)
    access = PersonalDataAccess.objects.get()
    assert (access.actor, access.resident, access.context_id) == (
        world.technician,
        world.R1,
        case.pk,
    )
    first = case.first_response_at
    client_for(world.technician).post(reverse("cases:call_contact", args=[case.pk]))
    case.refresh_from_db()
    assert case.first_response_at == first  # the first contact stays the first


def test_only_the_technician_assigned_may_call_from_the_jobs(world, report, client_for):
    case = _assigned(report, world)

    htmx = {"HTTP_HX_REQUEST": "true"}
    refused = client_for(world.property_staff).post(
        reverse("cases:call_contact", args=[case.pk]), **htmx
    )
    called = client_for(world.technician).post(
        reverse("cases:call_contact", args=[case.pk]), **htmx
    )

    assert refused.status_code == 403 and "tel:" not in refused.get("HX-Redirect", "")
    assert (called.status_code, called["HX-Redirect"]) == (204, f"tel:{world.R1.mobile}")
    assert PersonalDataAccess.objects.filter(actor=world.property_staff).count() == 0
    assert case.events.filter(action=Action.CALL_CONTACT).count() == 1
