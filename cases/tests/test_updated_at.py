"""`Case.updated_at` moves with every change of a case, whichever path writes it: a system that
syncs by `updated_since` (the REST API's change feed) would otherwise never see the change."""

from datetime import date, datetime, timedelta

import pytest

from cases import services, worker
from cases.models import Case
from cases.tests.conftest import SH, T0
from catalog.services import calendar_year_enter

pytestmark = pytest.mark.django_db


def _updated_at(case) -> datetime:
    return Case.objects.values_list("updated_at", flat=True).get(pk=case.pk)


def test_a_service_moves_updated_at_to_its_moment(report, world):
    case = report(now=T0)
    later = T0 + timedelta(minutes=7)

    services.case_accept(case=case, actor=world.manager, now=later)

    assert _updated_at(case) == later


def test_the_escalation_sweep_moves_updated_at(report):
    case = report(now=T0)  # ordinary: 2 working hours to respond
    sweep = T0 + timedelta(hours=2, minutes=1)

    assert worker.escalate_due(now=sweep) == 1

    assert _updated_at(case) == sweep


def test_the_auto_close_sweep_moves_updated_at(report, world, settings):
    case = report(now=T0)
    services.case_accept(case=case, actor=world.manager, now=T0)
    services.case_resolve(case=case, actor=world.manager, note="已清理", now=T0)
    sweep = T0 + timedelta(days=settings.CASE_AUTO_CLOSE_DAYS, minutes=1)

    assert worker.auto_close_due(now=sweep) == 1

    assert _updated_at(case) == sweep


def test_final_deadlines_of_an_entered_year_move_updated_at(report, world):
    case = report(now=T0)
    services.case_accept(case=case, actor=world.manager, now=T0)
    services.case_resolve(case=case, actor=world.manager, note="已清理", now=T0)
    # Reopened on Monday 28 December: five working days run into 2027, not entered yet.
    reopened = datetime(2026, 12, 28, 9, tzinfo=SH)
    services.case_reopen(case=case, user=world.manager, now=reopened)
    calendar_year_enter(year=2027, days={date(2027, 1, 1): (False, "元旦")}, source="国务院办公厅")
    sweep = datetime(2026, 12, 29, 9, tzinfo=SH)

    assert worker.recompute_provisional(now=sweep) == 1

    assert _updated_at(case) == sweep
