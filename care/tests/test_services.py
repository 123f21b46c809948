from datetime import date, timedelta

import pytest

from care import selectors, services
from care.models import AssessmentAccess, CareAlert, CarePlan, RiskLevel
from care.tests.conftest import answers, tag
from care.worker import alerts_due
from cases.models import Case, Channel, OutboxMessage
from cases.worker import run_once
from catalog.models import Item
from core.errors import ApplicationError, Forbidden, NotFound
from core.testing import T0
from residents.services import ConsentGiven

DAY = timedelta(days=1)
MEDIUM = answers(illness=1, falls=1, contact=1, family=1, income=1)
HIGH = answers(memory=2)


def due(recipient):
    return CarePlan.objects.get(recipient=recipient).next_visit_due


def visit(c, *, at, actor=None):
    return services.visit_log(
        actor=actor or c.world.grid_worker,
        recipient=c.recipient,
        visited_at=at,
        kind="home",
        visitors="赵志强",
        wellbeing="fair",
        findings="厨房水龙头漏水，老人行动不便",
        now=at,
    )


# ---------------------------------------------------------------------------------------------
# Enrolment and assessment


def test_enroll_asks_for_a_visit_and_an_assessment_today(care):
    assert due(care.recipient) == date(2026, 11, 25)
    assert care.recipient.reassessment_due == date(2026, 11, 25)
    assert care.recipient.area_path == care.world.M1.path
    assert care.recipient.household == care.world.H1


def test_enroll_only_tagged_residents_of_the_area(care):
    w = care.world
    with pytest.raises(ApplicationError, match="already in care"):
        services.recipient_enroll(actor=w.grid_worker, resident=w.R1, now=T0)
    with pytest.raises(NotFound):  # R2 lives in grid G2
        services.recipient_enroll(actor=w.grid_worker, resident=w.R2, now=T0)
    with pytest.raises(ApplicationError, match="Only residents tagged"):
        services.recipient_enroll(actor=w.secretary, resident=care.volunteer, now=T0)
    with pytest.raises(NotFound):  # oversight does not look after people
        services.recipient_enroll(actor=w.subdistrict, resident=w.R2, now=T0)
    recipient = services.recipient_enroll(
        actor=care.other_grid_worker, resident=w.R2, consent=ConsentGiven(), now=T0
    )
    assert recipient.area_path == w.M2.path


def test_assessment_sets_risk_visit_interval_and_reassessment(care):
    a = services.assessment_record(
        actor=care.world.grid_worker, recipient=care.recipient, answers=MEDIUM, now=T0
    )
    care.recipient.refresh_from_db()
    assert (a.risk_level, a.total_score) == (RiskLevel.MEDIUM, 5)
    assert care.recipient.risk_level == RiskLevel.MEDIUM
    assert care.recipient.reassessment_due == date(2026, 11, 25) + 180 * DAY
    plan = CarePlan.objects.get(recipient=care.recipient)
    assert plan.visit_every_days == 14
    assert plan.next_visit_due == date(2026, 11, 25)  # never visited: due now


def test_assessment_history_is_kept(care):
    w = care.world
    services.assessment_record(
        actor=w.grid_worker, recipient=care.recipient, answers=MEDIUM, now=T0
    )
    later = T0 + 30 * DAY
    services.assessment_record(actor=w.secretary, recipient=care.recipient, answers=HIGH, now=later)
    history = list(selectors.assessments_of(care.recipient))
    assert [a.risk_level for a in history] == [RiskLevel.HIGH, RiskLevel.MEDIUM]
    care.recipient.refresh_from_db()
    assert care.recipient.risk_level == RiskLevel.HIGH
    assert CarePlan.objects.get(recipient=care.recipient).visit_every_days == 7


def test_assessment_refuses_incomplete_answers_and_changes_nothing(care):
    incomplete = answers()
    del incomplete["memory"]
    with pytest.raises(ApplicationError, match="answer every question"):
        services.assessment_record(
            actor=care.world.grid_worker, recipient=care.recipient, answers=incomplete, now=T0
        )
    assert care.recipient.assessments.count() == 0


# ---------------------------------------------------------------------------------------------
# Visit schedule by risk level and overdue alerts, moving the clock


@pytest.mark.parametrize(
    "given,every", [(answers(), 30), (MEDIUM, 14), (HIGH, 7)], ids=["low", "medium", "high"]
)
def test_visit_schedule_follows_the_risk_level(care, given, every):
    w = care.world
    services.assessment_record(actor=w.grid_worker, recipient=care.recipient, answers=given, now=T0)
    visit(care, at=T0)
    assert due(care.recipient) == date(2026, 11, 25) + every * DAY
    day_before = T0 + (every - 1) * DAY
    assert list(selectors.due_today_for(user=w.grid_worker, now=day_before)) == []
    on_the_day = T0 + every * DAY
    assert list(selectors.due_today_for(user=w.grid_worker, now=on_the_day)) == [care.recipient]


def test_overdue_visit_raises_one_alert_and_message_for_the_grid_worker(care):
    w = care.world
    services.assessment_record(
        actor=w.grid_worker, recipient=care.recipient, answers=MEDIUM, now=T0
    )
    visit(care, at=T0)
    assert alerts_due(now=T0 + 14 * DAY) == 0  # due today is not overdue yet

    counts = run_once(now=T0 + 15 * DAY)
    assert counts["care_alerts"] == 1
    alert = CareAlert.objects.get()
    assert (alert.user, alert.kind, alert.due_on) == (
        w.grid_worker,
        CareAlert.Kind.VISIT_OVERDUE,
        date(2026, 12, 9),
    )
    message = OutboxMessage.objects.get(recipient=str(w.grid_worker.pk))
    assert "居民1" in message.body
    assert message.state == OutboxMessage.State.SENT  # delivered by the same sweep

    assert run_once(now=T0 + 16 * DAY)["care_alerts"] == 0  # rerun: nothing new
    assert CareAlert.objects.count() == 1
    assert list(selectors.open_alerts_for(user=w.grid_worker)) == [alert]
    assert list(selectors.open_alerts_for(user=care.other_grid_worker)) == []


def test_logging_the_visit_clears_the_alert(care):
    w = care.world
    services.assessment_record(
        actor=w.grid_worker, recipient=care.recipient, answers=MEDIUM, now=T0
    )
    visit(care, at=T0)
    alerts_due(now=T0 + 15 * DAY)
    visit(care, at=T0 + 16 * DAY)
    assert list(selectors.open_alerts_for(user=w.grid_worker)) == []
    assert due(care.recipient) == date(2026, 11, 25) + 30 * DAY


def test_alert_goes_to_the_plans_responsible_worker(care):
    w = care.world
    services.plan_update(
        actor=w.secretary,
        recipient=care.recipient,
        visit_every_days=10,
        responsible=w.microgrid_leader,
        now=T0,
    )
    alerts_due(now=T0 + 2 * DAY)
    assert {(a.user, a.kind) for a in CareAlert.objects.all()} == {
        (w.microgrid_leader, CareAlert.Kind.VISIT_OVERDUE),
        (w.microgrid_leader, CareAlert.Kind.REASSESSMENT_DUE),
    }


def test_reassessment_reminder_is_cleared_by_an_assessment(care):
    w = care.world
    alerts_due(now=T0 + DAY)
    assert CareAlert.objects.filter(kind=CareAlert.Kind.REASSESSMENT_DUE).count() == 1
    assert list(selectors.reassessments_due_for(user=w.grid_worker, now=T0)) == [care.recipient]
    services.assessment_record(
        actor=w.grid_worker, recipient=care.recipient, answers=answers(), now=T0 + DAY
    )
    assert not CareAlert.objects.filter(
        kind=CareAlert.Kind.REASSESSMENT_DUE, cleared_at__isnull=True
    ).exists()
    assert list(selectors.reassessments_due_for(user=w.grid_worker, now=T0 + DAY)) == []


def test_plan_refuses_bad_values(care):
    w = care.world
    with pytest.raises(ApplicationError, match="90 days"):
        services.plan_update(actor=w.grid_worker, recipient=care.recipient, visit_every_days=0)
    with pytest.raises(ApplicationError, match="volunteers"):
        services.plan_update(
            actor=w.grid_worker, recipient=care.recipient, visit_every_days=7, volunteers=[w.R2]
        )
    assert CarePlan.objects.get(recipient=care.recipient).visit_every_days == 7


def test_visit_cannot_be_in_the_future(care):
    with pytest.raises(ApplicationError, match="future"):
        services.visit_log(
            actor=care.world.grid_worker,
            recipient=care.recipient,
            visited_at=T0 + DAY,
            kind="home",
            visitors="x",
            wellbeing="good",
            findings="x",
            now=T0,
        )


# ---------------------------------------------------------------------------------------------
# A finding becomes a case


def test_finding_becomes_a_case_on_behalf_of_the_recipient(care, catalogue):
    w = care.world
    v = visit(care, at=T0)
    item = Item.objects.get(code="RB01")
    case = services.visit_to_case(
        visit=v, actor=w.grid_worker, item=item, description="厨房水龙头漏水", now=T0
    )
    assert case.resident == w.R1
    assert (case.household, case.estate, case.channel) == (w.H1, w.E1, Channel.DOOR_KNOCK)
    assert case.description == "厨房水龙头漏水"
    v.refresh_from_db()
    assert v.case == case
    with pytest.raises(ApplicationError, match="already case"):
        services.visit_to_case(visit=v, actor=w.grid_worker, item=item, description="x", now=T0)


def test_who_may_file_a_finding_is_one_rule_read_the_visit_and_handle_cases(care, catalogue):
    w = care.world
    care.volunteer.user = w.nobody
    care.volunteer.save()
    services.plan_update(
        actor=w.grid_worker,
        recipient=care.recipient,
        visit_every_days=7,
        volunteers=[care.volunteer],
        now=T0,
    )
    v = visit(care, at=T0)
    item = Item.objects.get(code="RB01")

    def file(actor):
        services.visit_to_case(visit=v, actor=actor, item=item, description="水龙头漏水", now=T0)

    with pytest.raises(Forbidden, match="Your role may not file cases."):
        file(w.nobody)  # the volunteer reads the visit, but handles no cases
    for outsider in (w.subdistrict, w.manager):
        with pytest.raises(NotFound):
            file(outsider)
    assert Case.objects.count() == 0
    file(w.secretary)
    assert Case.objects.get().created_by == w.secretary


# ---------------------------------------------------------------------------------------------
# Scope and access logging


def test_recipients_are_seen_by_their_grid_and_community_only(care):
    w = care.world
    seen = {
        name: selectors.recipients_for(user=getattr(w, name)).filter(pk=care.recipient.pk).exists()
        for name in [
            "admin",
            "secretary",
            "community",
            "grid_worker",
            "microgrid_leader",
            "subdistrict",
            "partner",
            "manager",
            "technician",
            "nobody",
        ]
    }
    assert seen == {
        "admin": True,
        "secretary": True,
        "community": True,
        "grid_worker": True,
        "microgrid_leader": True,
        "subdistrict": False,
        "partner": False,
        "manager": False,
        "technician": False,
        "nobody": False,
    }
    assert not selectors.recipients_for(user=care.other_grid_worker).exists()


def test_assigned_partner_and_volunteer_see_and_visit_but_do_not_assess(care):
    w = care.world
    volunteer_user = w.nobody
    care.volunteer.user = volunteer_user
    care.volunteer.save()
    services.plan_update(
        actor=w.grid_worker,
        recipient=care.recipient,
        visit_every_days=7,
        partner=care.partner,
        volunteers=[care.volunteer],
        now=T0,
    )
    for user in (w.partner, volunteer_user):
        assert selectors.recipient_get_for(user=user, recipient_id=care.recipient.pk)
        with pytest.raises(NotFound):
            services.assessment_record(
                actor=user, recipient=care.recipient, answers=answers(), now=T0
            )
    v = visit(care, at=T0, actor=w.partner)
    assert v.partner == care.partner


def test_every_assessment_view_is_logged(care):
    w = care.world
    a = services.assessment_record(
        actor=w.grid_worker, recipient=care.recipient, answers=MEDIUM, now=T0
    )
    services.assessment_view(actor=w.secretary, assessment=a, ip="10.0.0.1", now=T0)
    services.assessment_view(actor=w.secretary, assessment=a, ip="10.0.0.1", now=T0 + DAY)
    with pytest.raises(NotFound):
        services.assessment_view(actor=w.subdistrict, assessment=a, ip="10.0.0.2", now=T0)
    rows = list(AssessmentAccess.objects.order_by("at").values_list("actor__username", "ip"))
    assert rows == [("shuji", "10.0.0.1"), ("shuji", "10.0.0.1")]


def test_candidates_are_tagged_residents_of_the_area_not_yet_in_care(care):
    w = care.world
    assert list(selectors.candidates_for(user=w.grid_worker)) == []
    assert list(selectors.candidates_for(user=w.secretary)) == [w.R2]
    tag(w.R3, "low_income")
    assert list(selectors.candidates_for(user=care.other_community_worker)) == [w.R3]


def test_plan_assigns_only_people_and_partners_of_the_area(care):
    from alliance.models import Partner

    w = care.world
    with pytest.raises(ApplicationError, match="responsible person"):
        services.plan_update(
            actor=w.grid_worker,
            recipient=care.recipient,
            visit_every_days=7,
            responsible=care.other_community_worker,
        )
    elsewhere = Partner.objects.create(kind="red_partner", name="别处的律所", joined_on=T0.date())
    elsewhere.communities.add(w.C2)
    with pytest.raises(ApplicationError, match="does not serve"):
        services.plan_update(
            actor=w.grid_worker, recipient=care.recipient, visit_every_days=7, partner=elsewhere
        )
    plan = services.plan_update(
        actor=w.grid_worker,
        recipient=care.recipient,
        visit_every_days=7,
        responsible=w.microgrid_leader,
        partner=care.partner,
    )
    assert (plan.responsible, plan.partner) == (w.microgrid_leader, care.partner)


def test_a_visit_log_sent_twice_with_its_key_is_one_visit(care):
    from care.models import CareVisit

    def log():
        return services.visit_log(
            actor=care.world.grid_worker,
            recipient=care.recipient,
            visited_at=T0,
            kind="home",
            visitors="网格员",
            wellbeing="good",
            findings="精神不错",
            idempotency_key="page-1-abc",
            now=T0,
        )

    assert log() == log()
    assert CareVisit.objects.count() == 1
