from datetime import timedelta

import time_machine

from care import services
from care.models import AssessmentAccess, CareRecipient, CareVisit
from care.tests.conftest import answers
from care.worker import alerts_due
from cases.models import Case
from core.testing import T0

DAY = timedelta(days=1)


def test_due_today_lists_who_to_visit(care, as_user):
    with time_machine.travel(T0, tick=False):
        page = as_user(care.world.grid_worker).get("/care/today/")
    html = page.content.decode()
    assert f'data-recipient="{care.recipient.pk}"' in html
    assert "居民1" in html
    assert f"/care/recipients/{care.recipient.pk}/visit/" in html


def test_due_today_is_empty_outside_the_grid(care, as_user):
    with time_machine.travel(T0, tick=False):
        page = as_user(care.other_grid_worker).get("/care/today/")
    assert "居民1" not in page.content.decode()
    assert "Nobody is due a visit today." in page.content.decode()


def test_log_a_visit(care, as_user):
    client = as_user(care.world.grid_worker)
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        response = client.post(
            f"/care/recipients/{care.recipient.pk}/visit/",
            {
                "visited_at": "2026-11-25T09:30",
                "kind": "home",
                "wellbeing": "good",
                "visitors": "赵志强",
                "findings": "精神不错，冰箱里有菜",
            },
        )
    visit = CareVisit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/care/visits/{visit.pk}/"
    assert visit.findings == "精神不错，冰箱里有菜"
    care.recipient.plan.refresh_from_db()
    assert str(care.recipient.plan.next_visit_due) == "2026-12-02"


def test_log_a_visit_with_bad_input_changes_nothing(care, as_user):
    client = as_user(care.world.grid_worker)
    with time_machine.travel(T0, tick=False):
        response = client.post(
            f"/care/recipients/{care.recipient.pk}/visit/",
            {"visited_at": "not a time", "kind": "spaceship", "wellbeing": "", "findings": ""},
        )
    assert response.status_code == 400
    assert "Enter a valid date/time." in response.content.decode()
    assert not CareVisit.objects.exists()


def test_out_of_scope_recipient_pages_are_missing(care, as_user):
    for user in (care.other_grid_worker, care.world.subdistrict, care.world.manager):
        client = as_user(user)
        for url in ("", "visit/", "assess/", "plan/"):
            response = client.get(f"/care/recipients/{care.recipient.pk}/{url}")
            assert response.status_code == 404, (user, url)


def test_assessment_form_records_the_risk_level(care, as_user):
    client = as_user(care.world.grid_worker)
    data = answers(memory=2) | {"notes": "常忘记关煤气"}
    response = client.post(f"/care/recipients/{care.recipient.pk}/assess/", data)
    assert response.status_code == 302
    care.recipient.refresh_from_db()
    assert care.recipient.risk_level == "high"


def test_assessment_form_with_missing_answers_shows_errors(care, as_user):
    client = as_user(care.world.grid_worker)
    response = client.post(f"/care/recipients/{care.recipient.pk}/assess/", {"mood": "1"})
    assert response.status_code == 400
    assert "Please answer this question." in response.content.decode()
    assert not care.recipient.assessments.exists()


def test_viewing_an_assessment_is_logged(care, as_user):
    a = services.assessment_record(
        actor=care.world.grid_worker, recipient=care.recipient, answers=answers(mood=1), now=T0
    )
    page = as_user(care.world.secretary).get(f"/care/assessments/{a.pk}/")
    assert "Often low or hopeless" not in page.content.decode()
    assert "Sometimes low" in page.content.decode()
    assert list(AssessmentAccess.objects.values_list("actor", "assessment")) == [
        (care.world.secretary.pk, a.pk)
    ]
    # The recipient page lists assessments without opening them.
    as_user(care.world.secretary).get(f"/care/recipients/{care.recipient.pk}/")
    assert AssessmentAccess.objects.count() == 1


def test_viewing_an_assessment_out_of_scope_is_missing_and_not_logged(care, as_user):
    a = services.assessment_record(
        actor=care.world.grid_worker, recipient=care.recipient, answers=answers(), now=T0
    )
    assert as_user(care.world.subdistrict).get(f"/care/assessments/{a.pk}/").status_code == 404
    assert not AssessmentAccess.objects.exists()


def test_overdue_alert_shows_on_the_grid_workers_home_page(care, as_user):
    alerts_due(now=T0 + 2 * DAY)
    html = as_user(care.world.grid_worker).get("/").content.decode()
    assert 'id="care-alerts"' in html
    assert 'data-care-alert="visit_overdue"' in html
    assert "居民1" in html
    other = as_user(care.other_grid_worker).get("/").content.decode()
    assert 'id="care-alerts"' not in other


def test_finding_to_case_in_one_step(care, as_user, catalogue):
    client = as_user(care.world.grid_worker)
    visit = services.visit_log(
        actor=care.world.grid_worker,
        recipient=care.recipient,
        visited_at=T0,
        kind="home",
        visitors="赵志强",
        wellbeing="poor",
        findings="楼道灯坏了，老人晚上不敢出门",
        now=T0,
    )
    from catalog.models import Item

    item = Item.objects.get(code="RB01")
    response = client.post(
        f"/care/visits/{visit.pk}/case/", {"item": item.pk, "description": visit.findings}
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert case.resident == care.world.R1
    page = client.get(f"/care/visits/{visit.pk}/").content.decode()
    assert f'data-case="{case.tracking_no}"' in page


def test_enroll_page(care, as_user):
    client = as_user(care.world.secretary)
    page = client.get("/care/enroll/").content.decode()
    assert "居民2" in page
    response = client.post(
        "/care/enroll/",
        {"resident": care.world.R2.pk, "separate_consent": "on", "consent_given_by": "self"},
    )
    assert response.status_code == 302
    assert CareRecipient.objects.filter(resident=care.world.R2).exists()
    assert as_user(care.world.partner).get("/care/enroll/").status_code == 404


def test_plan_page_assigns_a_volunteer_and_partner(care, as_user):
    from residents.models import HouseholdTie

    HouseholdTie.objects.create(resident=care.volunteer, household=care.world.H2, relation="owner")
    client = as_user(care.world.secretary)
    response = client.post(
        f"/care/recipients/{care.recipient.pk}/plan/",
        {
            "visit_every_days": "5",
            "needs": "送餐、陪诊",
            "volunteers": [care.volunteer.pk],
            "partner": care.partner.pk,
        },
    )
    assert response.status_code == 302
    plan = care.recipient.plan
    plan.refresh_from_db()
    assert (plan.visit_every_days, plan.partner) == (5, care.partner)
    assert list(plan.volunteers.all()) == [care.volunteer]
    bad = client.post(f"/care/recipients/{care.recipient.pk}/plan/", {"visit_every_days": "0"})
    assert bad.status_code == 400


def test_overdue_alert_shows_in_the_grid_workers_notifications(care, as_user):
    alerts_due(now=T0 + 2 * DAY)
    html = as_user(care.world.grid_worker).get("/cases/notifications/").content.decode()
    assert 'data-care-alert="visit_overdue"' in html
    assert 'data-care-alert="visit_overdue"' not in (
        as_user(care.world.secretary).get("/cases/notifications/").content.decode()
    )
