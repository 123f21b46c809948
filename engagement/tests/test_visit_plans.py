"""Door-knock visits planned ahead: a door by a day for oneself or a colleague of the area, on
that person's round until a visit to the household is logged."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.errors import Conflict, Forbidden, NotFound
from core.testing import make_user
from engagement import services
from engagement.models import PlannedVisit
from orgs.roles import Role

pytestmark = pytest.mark.django_db


def _today():
    return timezone.localdate(timezone.now())


def _plan(actor, household, *, days=0, **extra):
    return services.visit_plan(
        actor=actor, household=household, due_on=_today() + timedelta(days=days), **extra
    )


def test_a_visit_planned_for_a_grid_worker_is_on_their_round_until_it_is_logged(world, client_for):
    services.visit_plan(
        actor=world.community,
        household=world.H1,
        due_on=_today(),
        assignee=world.grid_worker,
        note="独居老人，问问电梯的事",
    )
    _plan(world.grid_worker, world.H1, days=3)  # not due yet: not on today's round
    grid = client_for(world.grid_worker)

    html = grid.get("/").content.decode()
    [plan] = PlannedVisit.objects.filter(due_on=_today())
    assert f'data-planned-visit="{plan.pk}"' in html and "独居老人" in html
    assert html.count("data-planned-visit=") == 1
    form = grid.get(reverse("engagement:visit_new"), {"plan": plan.pk}).content.decode()
    assert f'value="{world.H1.number}"' in form  # the planned door, filled in

    grid.post(
        reverse("engagement:visit_new"),
        {
            "building": world.B1.pk,
            "unit": "1",
            "number": world.H1.number,
            "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "visitors": "网格员",
            "heard": "电梯周末停了两天",
        },
    )
    assert not PlannedVisit.objects.filter(visit__isnull=True).exists()  # both doors done
    assert "data-planned-visit=" not in grid.get("/").content.decode()
    assert "data-round-no-plans" in grid.get("/").content.decode()


def test_the_visits_page_lists_the_open_plans_of_the_area(world, client_for):
    plan = _plan(world.grid_worker, world.H1, days=2)
    html = client_for(world.community).get(reverse("engagement:visits")).content.decode()
    assert f'data-planned-visit="{plan.pk}"' in html
    elsewhere = make_user("shequ2", role=Role.COMMUNITY_STAFF, org_unit=world.C2)
    html = client_for(elsewhere).get(reverse("engagement:visits")).content.decode()
    assert "data-planned-visit" not in html  # another community's


def test_a_visit_is_planned_through_the_form_with_a_clear_refusal(world, client_for):
    client = client_for(world.community)
    page = client.get(reverse("engagement:visit_plan_new")).content.decode()
    assert world.grid_worker.full_name in page and world.manager.full_name not in page
    data = {
        "building": world.B1.pk,
        "unit": "1单元",
        "number": world.H1.number,
        "due_on": (_today() - timedelta(days=1)).isoformat(),
        "assignee": world.grid_worker.pk,
    }
    refused = client.post(reverse("engagement:visit_plan_new"), data)
    assert refused.status_code == 400 and "不能早于今天" in refused.content.decode()
    assert not PlannedVisit.objects.exists()
    done = client.post(reverse("engagement:visit_plan_new"), {**data, "due_on": _today()})
    assert done.status_code == 302
    assert PlannedVisit.objects.get().assignee == world.grid_worker


def test_plans_stay_inside_the_area_and_with_people_who_knock(world):
    with pytest.raises(NotFound):  # a household of another grid
        _plan(world.grid_worker, world.H2)
    other = make_user("wanggeyuan2", role=Role.GRID_WORKER, org_unit=world.G2)
    with pytest.raises(Exception, match="不负责这户|does not cover"):
        _plan(world.community, world.H1, assignee=other)
    with pytest.raises(Exception, match="同事|colleague"):
        _plan(world.community, world.H1, assignee=world.technician)
    assert not PlannedVisit.objects.exists()


def test_only_the_planner_or_the_visitor_drops_a_plan(world, client_for):
    plan = _plan(world.community, world.H1, assignee=world.grid_worker)
    with pytest.raises(Forbidden):
        services.visit_plan_drop(actor=world.secretary, plan=plan)
    client_for(world.grid_worker).post(reverse("engagement:visit_plan_drop", args=[plan.pk]))
    assert not PlannedVisit.objects.exists()


def test_a_plan_id_that_is_no_plan_fills_in_nothing(world, client_for):
    grid = client_for(world.grid_worker)
    for plan in ("nonsense", "99999", "１２"):
        assert grid.get(reverse("engagement:visit_new"), {"plan": plan}).status_code == 200
    drop = grid.post(reverse("engagement:visit_plan_drop", args=[99999]))
    assert drop.status_code == 404


def test_a_plan_logged_by_one_person_while_another_drops_it_says_so(world, client_for):
    plan = _plan(world.community, world.H1, assignee=world.grid_worker)
    services.visit_log(
        actor=world.grid_worker,
        household=world.H1,
        visited_at=timezone.now(),
        visitors="网格员",
        heard="老人在家，一切都好",
    )
    page = client_for(world.community).post(
        reverse("engagement:visit_plan_drop", args=[plan.pk]), follow=True
    )
    assert "这次走访已经登记过了" in page.content.decode()
    assert PlannedVisit.objects.get().visit is not None
    with pytest.raises(Conflict):
        services.visit_plan_drop(actor=world.community, plan=plan)
