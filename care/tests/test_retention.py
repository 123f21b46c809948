"""Care records some time after the person leaves care: the health data goes, the count of
visits a partner made stays."""

from datetime import timedelta

from django.test import override_settings

from alliance.selectors import partner_delivery
from care import services
from care.models import Assessment, AssessmentAccess, CareRecipient, CareVisit
from care.tests.conftest import answers
from care.worker import records_anonymise_due
from cases.worker import run_once
from core.testing import T0
from insights.selectors import Period

DAY = timedelta(days=1)


def _history(care):
    """An assessment (opened once), a visit by the partner and one by the grid worker."""
    w = care.world
    services.plan_update(
        actor=w.secretary,
        recipient=care.recipient,
        visit_every_days=7,
        partner=care.partner,
        now=T0,
    )
    a = services.assessment_record(
        actor=w.grid_worker, recipient=care.recipient, answers=answers(memory=2), now=T0
    )
    services.assessment_view(actor=w.secretary, assessment=a, ip="10.0.0.1", now=T0)
    for actor in (w.partner, w.grid_worker):
        services.visit_log(
            actor=actor,
            recipient=care.recipient,
            visited_at=T0,
            kind="home",
            visitors="赵志强、志愿者",
            wellbeing="poor",
            findings="血压偏高，药快吃完了",
            follow_up="联系女儿",
            now=T0,
        )
    services.recipient_leave(
        actor=w.grid_worker, recipient=care.recipient, reason="passed_away", now=T0 + DAY
    )


def test_care_records_are_anonymised_a_year_after_leaving(care):
    _history(care)
    year = Period(T0 - DAY, T0 + DAY)
    visits = partner_delivery(partner=care.partner, period=year, now=T0).care_visits

    assert records_anonymise_due(now=T0 + DAY + timedelta(days=364)) == 0
    assert Assessment.objects.count() == 1
    assert records_anonymise_due(now=T0 + DAY + timedelta(days=365)) == 1

    recipient = CareRecipient.objects.get(pk=care.recipient.pk)
    assert (recipient.resident, recipient.household, recipient.risk_level) == (None, None, "")
    assert recipient.anonymised_at == T0 + DAY + timedelta(days=365)
    assert Assessment.objects.count() == AssessmentAccess.objects.count() == 0
    assert set(CareVisit.objects.values_list("findings", "follow_up", "visitors", "wellbeing")) == {
        ("", "", "", "")
    }
    assert visits == 1
    assert partner_delivery(partner=care.partner, period=year, now=T0).care_visits == 1
    assert records_anonymise_due(now=T0 + timedelta(days=800)) == 0  # safe to rerun


def test_people_in_care_keep_their_records(care):
    services.assessment_record(
        actor=care.world.grid_worker, recipient=care.recipient, answers=answers(), now=T0
    )

    assert run_once(now=T0 + timedelta(days=3000))["care_anonymised"] == 0
    assert Assessment.objects.count() == 1


@override_settings(CARE_RETENTION_DAYS=30)
def test_the_care_period_is_a_setting(care, as_user):
    _history(care)

    assert records_anonymise_due(now=T0 + DAY + timedelta(days=30)) == 1
    # An anonymised record is no one's page any more.
    page = as_user(care.world.grid_worker).get(f"/care/recipients/{care.recipient.pk}/")
    assert page.status_code == 404
