"""Clocks replayed from the timeline: the one-off repair of deadlines that earlier versions
counted in UTC office hours, and final deadlines once a provisional year is entered."""

import importlib
from datetime import UTC, date, datetime, timedelta

import pytest
from django.apps import apps

from cases import services, worker
from cases.models import Action, Case, CaseEvent, Tally
from cases.tallies import tally_rebuild
from cases.tests.conftest import SH, T0
from catalog.services import calendar_year_enter

pytestmark = pytest.mark.django_db

recompute_migration = importlib.import_module(
    "cases.migrations.0014_recompute_deadlines_in_beijing_time"
)


def utc(month, day, hour, minute=0):
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def local(month, day, hour, minute=0):
    return datetime(2026, month, day, hour, minute, tzinfo=SH)


def _notes(case):
    return list(case.events.filter(action=Action.NOTE).values_list("note", flat=True))


def _tallies():
    return sorted(
        Tally.objects.values_list(*(f.name for f in Tally._meta.fields if f.name != "id"))
    )


def _responded():
    return sum(Tally.objects.filter(grain="d").values_list("responded", flat=True))


def _as_the_old_code_wrote_it(case, **clocks):
    """Deadlines as versions before this one wrote them: office hours walked in UTC."""
    Case.objects.filter(pk=case.pk).update(**clocks)


def test_open_cases_get_the_deadlines_their_timeline_gives_with_one_note_each(report, world):
    night = utc(11, 24, 18, 52)  # timezone.now() at Wednesday 02:52 in Beijing
    # A consultation, answered within 1 working day: 17:30 that Wednesday, not 01:30 Thursday.
    consultation = report(code="PW15", now=night)
    _as_the_old_code_wrote_it(
        consultation, resolution_due=utc(11, 25, 17, 30), next_escalation_at=utc(11, 25, 17, 30)
    )
    # Ordinary (2 working hours / 5 working days), signed for and called back at 14:00: in time
    # for the old response clock (18:30), late for the right one (10:30).
    late = report(now=night)
    services.case_accept(case=late, actor=world.manager, now=local(11, 25, 14))
    services.case_first_response(case=late, actor=world.manager, now=local(11, 25, 14, 5))
    _as_the_old_code_wrote_it(
        late,
        response_due=utc(11, 25, 10, 30),
        resolution_due=utc(12, 1, 17, 30),
        next_escalation_at=utc(12, 1, 17, 30),
    )
    # Transferred on Thursday at 09:00: the response clock restarted then.
    moved = report(now=T0)
    services.case_transfer(
        case=moved,
        actor=world.manager,
        note="属于社区公共事务",
        org_unit=world.M1,
        now=utc(11, 26, 1),
    )
    _as_the_old_code_wrote_it(
        moved, response_due=utc(11, 26, 10, 30), next_escalation_at=utc(11, 26, 10, 30)
    )
    # Escalated at 11:00 (nobody signed for it): the next escalation is 2 working hours on.
    escalated = report(now=T0)
    assert worker.escalate_due(now=utc(11, 25, 3)) == 1
    _as_the_old_code_wrote_it(escalated, next_escalation_at=utc(11, 25, 10, 30))
    # Reopened on Friday at 18:00: five working days from Monday morning.
    reopened = report(now=T0)
    services.case_accept(case=reopened, actor=world.manager, now=T0)
    services.case_resolve(case=reopened, actor=world.manager, note="已清理", now=T0)
    services.case_rate(
        case=reopened,
        user=world.resident_user,
        rating="dissatisfied",
        reopen=True,
        now=utc(11, 27, 10),
    )
    _as_the_old_code_wrote_it(
        reopened, resolution_due=utc(12, 4, 10), next_escalation_at=utc(12, 4, 10)
    )
    # Extended to 9 December: the approved deadline stands; only the response clock was wrong.
    extended = report(now=night)
    services.case_accept(case=extended, actor=world.property_staff, now=local(11, 25, 9))
    extension = services.case_request_extension(
        case=extended,
        actor=world.property_staff,
        reason="需要等待配件",
        new_due=local(12, 9, 18),
        now=local(11, 26, 9),
    )
    services.case_decide_extension(
        extension=extension, actor=world.manager, approve=True, now=local(11, 26, 10)
    )
    _as_the_old_code_wrote_it(extended, response_due=utc(11, 25, 10, 30))
    # Filed and signed for in Beijing time: the old code got it right.
    right = report(now=T0)
    services.case_accept(case=right, actor=world.manager, now=T0 + timedelta(minutes=20))
    tally_rebuild()  # the figures as the old deadlines made them
    cases = [consultation, late, moved, escalated, reopened, extended, right]
    versions = {c.pk: Case.objects.get(pk=c.pk).version for c in cases}
    assert _responded() == 1  # the late case

    recompute_migration.recompute(apps, None)

    for case in cases:
        case.refresh_from_db()
    assert (consultation.resolution_due, consultation.next_escalation_at) == (
        local(11, 25, 17, 30),
        local(11, 25, 17, 30),
    )
    assert (late.response_due, late.resolution_due, late.next_escalation_at) == (
        local(11, 25, 10, 30),
        local(12, 1, 17, 30),
        local(12, 1, 17, 30),
    )
    assert (moved.response_due, moved.next_escalation_at) == (local(11, 26, 11),) * 2
    assert escalated.next_escalation_at == local(11, 25, 14, 30)
    assert (reopened.resolution_due, reopened.next_escalation_at) == (local(12, 4, 17, 30),) * 2
    assert extended.response_due == local(11, 25, 10, 30)
    assert extended.resolution_due == extended.next_escalation_at == local(12, 9, 18)
    note = "时限已重新计算：办公时间和节假日按北京时间计算。"
    for case in cases[:-1]:
        assert _notes(case) == [note], case
        assert case.version == versions[case.pk] + 1 == case.events.count(), case
    assert _notes(right) == [] and right.version == versions[right.pk]
    # The figures moved with the deadlines: the late case no longer counts as responded.
    kept = _tallies()
    tally_rebuild()
    assert _tallies() == kept
    assert _responded() == 0


def test_recomputing_again_changes_nothing(report, world, capsys):
    from django.core.management import call_command

    case = report(code="PW15", now=utc(11, 24, 18, 52))
    _as_the_old_code_wrote_it(case, resolution_due=utc(11, 25, 17, 30))

    call_command("case_clocks_recompute")
    call_command("case_clocks_recompute")

    assert capsys.readouterr().out.split() == ["recomputed=1", "recomputed=0"]
    assert CaseEvent.objects.filter(action=Action.NOTE).count() == 1


def test_a_reopened_case_gets_its_final_deadline_when_its_year_is_entered(report, world):
    case = report(now=T0)
    services.case_accept(case=case, actor=world.manager, now=T0)
    services.case_resolve(case=case, actor=world.manager, note="已清理", now=T0)
    # Reopened on Monday 28 December at 09:00: five working days run into 2027, not entered yet.
    services.case_rate(
        case=case,
        user=world.resident_user,
        rating="dissatisfied",
        reopen=True,
        now=utc(12, 28, 1),
    )
    case.refresh_from_db()
    assert case.resolution_due == datetime(2027, 1, 4, 9, tzinfo=SH)  # 1 January counted
    assert case.deadlines_provisional is True
    assert worker.recompute_provisional(now=utc(12, 29, 1)) == 0  # 2027 still unknown

    calendar_year_enter(year=2027, days={date(2027, 1, 1): (False, "元旦")}, source="国务院办公厅")

    assert worker.recompute_provisional(now=utc(12, 29, 1)) == 1
    case.refresh_from_db()
    assert (case.resolution_due, case.next_escalation_at) == (
        datetime(2027, 1, 5, 9, tzinfo=SH),
    ) * 2
    assert case.deadlines_provisional is False
    assert _notes(case) == ["已按正式公布的节假日安排重新计算时限。"]
    assert worker.recompute_provisional(now=utc(12, 29, 1)) == 0


def test_a_transfer_into_a_year_not_entered_is_provisional(report, world):
    case = report(now=T0)
    # 16:00 on 31 December: 90 working minutes that day, the rest on 1 January 2027.
    services.case_transfer(
        case=case,
        actor=world.manager,
        note="属于社区公共事务",
        org_unit=world.M1,
        now=utc(12, 31, 8),
    )

    case.refresh_from_db()
    assert case.response_due == datetime(2027, 1, 1, 9, tzinfo=SH)
    assert case.deadlines_provisional is True
