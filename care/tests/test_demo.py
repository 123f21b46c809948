"""The demo care and alliance: built through the services, once, in 方城路社区."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from alliance.demo import seed_alliance
from alliance.models import Agreement, Partner, Pledge
from care.demo import seed_care
from care.models import CareAlert, CareRecipient
from care.selectors import due_today_for, open_alerts_for
from core.testing import demo_community
from engagement.demo import seed_engagement
from orgs.models import User

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(scope="module")
def demo(demo_community_rows, django_db_blocker):
    with demo_community(django_db_blocker, demo_community_rows):
        seed_engagement(now=NOW)
        yield (seed_alliance(now=NOW), seed_care(now=NOW))


def test_demo_creates_partners_and_a_dozen_people_in_care_once(demo):
    assert demo == (5, 12)
    assert (seed_alliance(now=NOW), seed_care(now=NOW)) == (0, 0)
    assert CareRecipient.objects.count() == 12


def test_demo_grid_worker_has_visits_due_today_and_overdue_alerts(demo):
    worker = User.objects.get(username="wanggeyuan")
    due = list(due_today_for(user=worker, now=NOW))
    overdue = [r for r in due if r.plan.next_visit_due < NOW.date()]
    assert len(due) == 7
    assert len(overdue) == 3
    kinds = sorted(a.kind for a in open_alerts_for(user=worker))
    assert kinds == ["reassessment_due"] + ["visit_overdue"] * 3
    assert CareAlert.objects.exclude(user=worker).count() == 0
    assert {r.risk_level for r in CareRecipient.objects.all()} == {"low", "medium", "high"}


def test_demo_partners_have_agreements_with_files_and_pledges(demo):
    assert sorted(Partner.objects.values_list("kind", flat=True)) == [
        "property_company",
        "property_company",
        "red_partner",
        "red_partner",
        "social_organisation",
    ]
    assert Agreement.objects.count() == 5
    assert all(
        a.file_type == "application/pdf" and a.file_size > 0 for a in Agreement.objects.all()
    )
    assert Pledge.objects.count() == 10
    social = Partner.objects.get(kind="social_organisation")
    assert list(social.members.values_list("username", flat=True)) == ["hehuoren"]
    assert social.care_plans.count() == 4
    assert social.care_visits.count() == 4
