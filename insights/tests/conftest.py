from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from cases import services, worker

SH = ZoneInfo("Asia/Shanghai")


def at(month, day, hour=9, minute=0):
    return datetime(2026, month, day, hour, minute, tzinfo=SH)


@pytest.fixture
def history(report, world):
    """Six cases around November 2026 (see each comment for what it contributes)."""
    from catalog.models import SlaPolicy

    # Counted by hand on natural clocks (2 h / 7 days): night-time facts are the point here.
    SlaPolicy.objects.filter(code="ordinary").update(
        response_unit="hours", resolution_amount=7, resolution_unit="days"
    )
    m, sec = world.manager, world.secretary
    # A: submitted in October, resolved and rated satisfied in November.
    a = report(now=at(10, 31, 23))
    services.case_accept(case=a, actor=m, now=at(11, 1, 8))
    services.case_resolve(case=a, actor=m, note="ok", now=at(11, 2, 9))
    services.case_rate(case=a, user=world.resident_user, rating="satisfied", now=at(11, 3))
    # B: responded in time; rated dissatisfied and reopened; resolved again; follow-up solved.
    b = report(now=at(11, 5, 9))
    services.case_accept(case=b, actor=m, now=at(11, 5, 9, 10))
    services.case_first_response(case=b, actor=m, now=at(11, 5, 9, 20))
    services.case_resolve(case=b, actor=m, note="ok", now=at(11, 6, 9))
    services.case_rate(
        case=b, user=world.resident_user, rating="dissatisfied", reopen=True, now=at(11, 6, 12)
    )
    services.case_resolve(case=b, actor=m, note="again", now=at(11, 8, 9))
    services.case_follow_up(case=b, actor=sec, solved=True, now=at(11, 9, 9))
    # C: nobody accepts; the worker escalates it.
    c = report(now=at(11, 10, 9))
    worker.escalate_due(now=at(11, 10, 11, 1))
    c.refresh_from_db()
    # D: returned and ruled, accepted late, resolved after its deadline.
    d = report(now=at(11, 12, 9))
    services.case_return(case=d, actor=m, reason="ownership_unclear", now=at(11, 12, 9, 30))
    services.case_rule_return(case=d, actor=sec, company=world.P1, now=at(11, 12, 10))
    services.case_accept(case=d, actor=m, now=at(11, 12, 13))
    services.case_resolve(case=d, actor=m, note="late", now=at(11, 20, 9))
    # E: submitted late on 30 November, responded in time just after midnight.
    e = report(now=at(11, 30, 23))
    services.case_accept(case=e, actor=m, now=at(12, 1, 0, 30))
    services.case_first_response(case=e, actor=m, now=at(12, 1, 0, 40))
    # F: a duplicate of C, merged.
    f = report(now=at(11, 15, 9))
    services.case_merge(case=f, into=c, actor=sec, now=at(11, 15, 10))
    return dict(a=a, b=b, c=c, d=d, e=e, f=f)
