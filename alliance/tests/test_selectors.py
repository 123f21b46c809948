"""A partner's delivery against figures computed by hand from a small, known history."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from alliance import selectors, services
from cases import services as case_services
from catalog.models import Item
from core.periods import Period
from engagement.models import Signup
from engagement.tests.factories import make_activity, make_venue
from residents.models import Resident

SH = ZoneInfo("Asia/Shanghai")


def at(month, day, hour=9, minute=0):
    return datetime(2026, month, day, hour, minute, tzinfo=SH)


@pytest.fixture
def history(alliance, report):
    """Four cases of 方圆物业 (P1) in November 2026; three are assigned to 爱无限's account.

    X: responded in time, resolved by the partner, rated satisfied.
    W: responded in time, resolved by the partner, rated dissatisfied.
    Y: accepted and assigned three days late (not responded in time), resolved, not rated.
    Z: stays with the company, never handled.
    """
    w = alliance.world
    m, partner, resident = w.manager, w.partner, w.resident_user

    def handled(now_day, *, rating=None, late=False):
        case = report(now=at(11, now_day))
        if late:
            case_services.case_accept(case=case, actor=m, now=at(11, now_day + 3))
            case.refresh_from_db()
            case_services.case_assign(
                case=case, actor=m, assignee=partner, now=at(11, now_day + 3, 10)
            )
        else:
            case_services.case_accept(case=case, actor=m, now=at(11, now_day, 9, 5))
            case_services.case_first_response(case=case, actor=m, now=at(11, now_day, 9, 10))
            case.refresh_from_db()
            case_services.case_assign(
                case=case, actor=m, assignee=partner, now=at(11, now_day, 9, 20)
            )
        case.refresh_from_db()
        case_services.case_resolve(case=case, actor=partner, note="办好了", now=at(11, now_day + 4))
        if rating:
            case.refresh_from_db()
            case_services.case_rate(
                case=case, user=resident, rating=rating, now=at(11, now_day + 5)
            )
        return case

    handled(2, rating="satisfied")
    handled(6, rating="dissatisfied")
    handled(9, late=True)
    report(now=at(11, 10), code="RB02")
    return alliance


def test_social_partner_cases_and_three_rates(history):
    delivery = selectors.partner_delivery(
        partner=history.social, period=Period.year(2026), now=at(12, 1)
    )
    f = delivery.cases
    assert (f.counts["received"], f.counts["responded"]) == (3, 2)
    assert (f.counts["followed_up"], f.counts["solved"]) == (2, 1)
    assert (f.counts["rated"], f.counts["satisfied"]) == (2, 1)
    assert (f.response_rate, f.resolution_rate, f.satisfaction_rate) == (66.7, 50.0, 50.0)


def test_property_company_partner_counts_all_its_cases(history):
    delivery = selectors.partner_delivery(
        partner=history.company, period=Period.year(2026), now=at(12, 1)
    )
    f = delivery.cases
    assert (f.counts["received"], f.counts["responded"], f.counts["resolved"]) == (4, 2, 3)
    assert (f.response_rate, f.resolution_rate, f.satisfaction_rate) == (50.0, 50.0, 50.0)


def test_another_year_has_no_figures(history):
    delivery = selectors.partner_delivery(
        partner=history.social, period=Period.year(2025), now=at(12, 1)
    )
    assert delivery.cases.counts["received"] == 0
    assert delivery.cases.response_rate is None


def test_pledges_show_cases_received_for_their_service(history):
    w = history.world
    for code in ("RB01", "RB02"):
        services.pledge_create(
            actor=w.secretary,
            partner=history.social,
            item=Item.objects.get(code=code),
            commitment="每月上门一次",
            times_per_year=12,
        )
    delivery = selectors.partner_delivery(
        partner=history.social, period=Period.year(2026), now=at(12, 1)
    )
    assert [(row.pledge.item.code, row.cases) for row in delivery.pledges] == [
        ("RB01", 3),
        ("RB02", 0),  # Z is an RB02 case, but it was never the partner's
    ]


def _signup(activity, resident, code, **fields):
    return Signup.objects.create(
        activity=activity,
        resident=resident,
        signed_up_by=activity.created_by or resident.user,
        status=Signup.Status.CONFIRMED,
        code=code,
        created_at=activity.starts_at,
        **fields,
    )


def test_activities_run_and_volunteer_hours(alliance, catalogue):
    w = alliance.world
    venue = make_venue(w.C1)
    held = make_activity(
        venue, starts_at=at(11, 20, 15), capacity=10, volunteer_capacity=5, created_by=w.secretary
    )
    future = make_activity(venue, starts_at=at(12, 20, 15), created_by=w.secretary)
    not_theirs = make_activity(venue, starts_at=at(11, 21, 15), created_by=w.secretary)
    for activity in (held, future):
        services.activity_link(actor=w.secretary, partner=alliance.social, activity=activity)
    people = [Resident.objects.create(name=f"志愿者{i}", mobile=f"1390533000{i}") for i in range(5)]
    _signup(held, people[0], "A00001", as_volunteer=True, measured_minutes=90)
    _signup(
        held,
        people[1],
        "A00002",
        as_volunteer=True,
        reported_minutes=30,
        hours_status=Signup.HoursStatus.APPROVED,
    )
    _signup(
        held,
        people[2],
        "A00003",
        as_volunteer=True,
        reported_minutes=60,
        hours_status=Signup.HoursStatus.PENDING,
    )
    _signup(held, people[3], "A00004", as_volunteer=False, measured_minutes=120)
    _signup(not_theirs, people[4], "A00005", as_volunteer=True, measured_minutes=600)

    delivery = selectors.partner_delivery(
        partner=alliance.social, period=Period.year(2026), now=at(12, 1)
    )
    assert delivery.activities_run == 1  # the future one has not happened yet
    assert delivery.volunteer_hours == Decimal("2.0")  # (90 + 30) minutes


def test_partners_seen_by_area_company_and_own_accounts(alliance):
    w = alliance.world
    seen = {
        name: sorted(p.name for p in selectors.partners_for(user=getattr(w, name)))
        for name in [
            "admin",
            "secretary",
            "grid_worker",
            "partner",
            "manager",
            "other_manager",
            "nobody",
        ]
    }
    assert seen == {
        "admin": ["方圆物业公司", "爱无限"],
        "secretary": ["方圆物业公司", "爱无限"],
        "grid_worker": ["方圆物业公司", "爱无限"],
        "partner": ["方圆物业公司", "爱无限"],
        "manager": ["方圆物业公司"],
        "other_manager": [],
        "nobody": [],
    }


def test_company_joining_the_alliance_is_flagged_a_member(alliance):
    alliance.world.P1.refresh_from_db()
    assert alliance.world.P1.is_alliance_member is True
    assert alliance.company.name == "方圆物业公司"
