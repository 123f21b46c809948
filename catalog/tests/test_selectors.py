from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.utils import translation

from catalog.models import CalendarDay, CalendarYear, Item, Priority, RoutingRule, SlaPolicy
from catalog.selectors import (
    catalogue_search,
    deadline_compute,
    holidays_among,
    is_workday,
    promise_text,
    routing_resolve,
    sla_deadlines,
)
from catalog.services import calendar_year_enter

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime(*args, tzinfo=SH)


def test_deadline_compute_working_day_skips_national_day_2026():
    # Wed 30 Sep 16:00: 90 minutes that day, then Oct 1-7 are holidays; Oct 8 is a workday.
    deadline = deadline_compute(start=at(2026, 9, 30, 16, 0), amount=1, unit="working_days")

    assert deadline.at == at(2026, 10, 8, 16, 0)
    assert deadline.provisional is False


def test_deadline_compute_counts_adjusted_saturday_workday():
    # Sat 10 Oct 2026 is an adjusted workday (调休) after National Day.
    deadline = deadline_compute(start=at(2026, 10, 9, 17, 0), amount=1, unit="working_hours")

    assert deadline.at == at(2026, 10, 10, 9, 0)


def test_deadline_compute_from_utc_counts_beijing_office_hours():
    # timezone.now() at Wednesday 02:52 in Beijing is Tuesday 18:52 UTC.
    deadline = deadline_compute(
        start=datetime(2026, 11, 24, 18, 52, tzinfo=UTC), amount=1, unit="working_days"
    )

    assert deadline.at == at(2026, 11, 25, 17, 30)
    assert deadline.at.tzinfo is UTC


def test_deadline_compute_from_utc_uses_the_beijing_date_for_holidays():
    # 16:30 UTC on 30 Sep is 00:30 on 1 Oct in Beijing: National Day, then Oct 8 is a workday.
    deadline = deadline_compute(
        start=datetime(2026, 9, 30, 16, 30, tzinfo=UTC), amount=1, unit="working_hours"
    )

    assert deadline.at == at(2026, 10, 8, 9, 30)


def test_deadline_compute_from_utc_new_years_eve_is_already_the_unentered_year():
    # 17:00 UTC on 31 Dec 2026 is 01:00 on 1 Jan 2027 in Beijing; 2027 is not entered yet.
    deadline = deadline_compute(
        start=datetime(2026, 12, 31, 17, 0, tzinfo=UTC), amount=1, unit="working_hours"
    )

    assert (deadline.at, deadline.provisional) == (at(2027, 1, 1, 9, 30), True)


def test_is_workday_follows_the_entered_calendar_and_weekdays_elsewhere():
    assert is_workday(date(2026, 10, 1)) is False  # National Day, a Thursday
    assert is_workday(date(2026, 10, 10)) is True  # Saturday, adjusted workday (调休)
    assert is_workday(date(2026, 10, 11)) is False  # Sunday
    assert is_workday(date(2026, 10, 12)) is True  # Monday
    assert is_workday(date(2027, 1, 1)) is True  # 2027 not entered: Monday to Friday

    calendar_year_enter(year=2027, days={date(2027, 1, 1): (False, "元旦")}, source="国务院办公厅")

    assert is_workday(date(2027, 1, 1)) is False


def test_holidays_among_names_the_weekday_holidays_only():
    days = [date(2026, 9, 24), date(2026, 9, 25), date(2026, 10, 3), date(2026, 10, 5)]

    # Saturday 3 Oct is a day off anyway; only weekdays taken off are holidays.
    assert holidays_among(days) == {date(2026, 9, 25): "中秋节", date(2026, 10, 5): "国庆节"}


def test_deadline_compute_natural_hours_run_through_holidays():
    deadline = deadline_compute(start=at(2026, 10, 1, 23, 0), amount=2, unit="hours")

    assert deadline.at == at(2026, 10, 2, 1, 0)


@override_settings(OFFICE_HOURS=(("09:00", "17:00"),))
def test_deadline_compute_follows_configured_office_hours():
    deadline = deadline_compute(start=at(2026, 11, 26, 16, 0), amount=1, unit="working_days")

    assert deadline.at == at(2026, 11, 27, 16, 0)


def test_deadline_compute_into_an_unentered_year_is_provisional_then_final():
    start = at(2026, 12, 21, 8, 30)
    before = deadline_compute(start=start, amount=15, unit="working_days")
    assert before.provisional is True
    assert before.at == at(2027, 1, 8, 17, 30)

    calendar_year_enter(year=2027, days={date(2027, 1, 1): (False, "元旦")}, source="国务院办公厅")
    after = deadline_compute(start=start, amount=15, unit="working_days")

    assert after.provisional is False
    assert after.at == at(2027, 1, 11, 17, 30)


def test_calendar_year_enter_replaces_earlier_days_of_the_year():
    calendar_year_enter(year=2027, days={date(2027, 1, 1): (False, "元旦")}, source="a")
    calendar_year_enter(year=2027, days={date(2027, 2, 8): (False, "春节")}, source="b")

    assert list(CalendarDay.objects.filter(date__year=2027).values_list("name", flat=True)) == [
        "春节"
    ]
    assert CalendarYear.objects.get(year=2027).source == "b"


def test_calendar_year_enter_refuses_days_of_another_year():
    with pytest.raises(ValueError):
        calendar_year_enter(year=2027, days={date(2026, 12, 31): (False, "")}, source="x")

    assert not CalendarYear.objects.filter(year=2027).exists()


def test_seeded_calendar_has_spring_festival_2026():
    assert CalendarDay.objects.get(date=date(2026, 2, 16)).name == "春节"
    assert CalendarDay.objects.get(date=date(2026, 2, 14)).is_workday is True
    assert CalendarYear.objects.filter(year=2026).exists()


def test_sla_deadlines_emergency_and_consultation():
    emergency = sla_deadlines(
        policy=SlaPolicy.objects.get(code="emergency"), start=at(2026, 10, 1, 3, 0)
    )
    consultation = sla_deadlines(
        policy=SlaPolicy.objects.get(code="consultation"), start=at(2026, 10, 1, 3, 0)
    )

    assert (emergency.response.at, emergency.resolution.at) == (
        at(2026, 10, 1, 3, 30),
        at(2026, 10, 1, 5, 0),
    )
    assert consultation.response is None
    assert consultation.resolution.at == at(2026, 10, 8, 17, 30)  # a full office day


def test_promise_text_in_chinese_and_english():
    ordinary = SlaPolicy.objects.get(code="ordinary")
    utilities = SlaPolicy.objects.get(code="utilities")
    consultation = SlaPolicy.objects.get(code="consultation")

    with translation.override("zh-hans"):
        assert promise_text(ordinary) == "2 个工作小时内响应，5 个工作日内办结"
        assert promise_text(utilities) == "2 小时内响应，24 小时内办结"
        assert promise_text(consultation) == "1 个工作日内答复"
    with translation.override("en"):
        assert promise_text(ordinary) == (
            "Response within 2 working hours, resolved within 5 working days"
        )


def test_routing_resolve_most_specific_rule_wins(catalogue, world):
    item = Item.objects.get(code="RB01")
    RoutingRule.objects.create(domain=item.domain, lead="community", priority="complex")
    RoutingRule.objects.create(item=item, estate=world.E1, lead="community", co_handle=False)

    in_e1 = routing_resolve(item=item, estate=world.E1)
    in_e2 = routing_resolve(item=item, estate=world.E2)
    other = routing_resolve(
        item=Item.objects.filter(domain=item.domain).exclude(routing_rules__isnull=False).first()
    )

    assert (in_e1.lead, in_e1.co_handle) == ("community", False)
    assert (in_e2.lead, in_e2.co_handle) == ("property_company", True)
    assert (other.lead, other.priority) == ("community", "complex")


def test_routing_resolve_estate_rule_beats_general_rule_at_same_level(catalogue, world):
    item = Item.objects.get(code="RB01")
    RoutingRule.objects.create(estate=world.E2, lead="property_company", priority="urgent")
    unruled = Item.objects.filter(routing_rules__isnull=True).first()

    assert routing_resolve(item=unruled, estate=world.E2).priority == "urgent"
    assert routing_resolve(item=unruled, estate=world.E1).priority == unruled.sla.priority
    assert routing_resolve(item=item, estate=world.E2).lead == "property_company"


def test_routing_resolve_emergency_words_raise_priority_and_clock(catalogue):
    item = Item.objects.get(code="RB01")

    decision = routing_resolve(item=item, text="楼上卫生间漏水，已经流到我家客厅")
    calm = routing_resolve(item=item, text="楼道有点脏")

    assert decision.priority == Priority.EMERGENCY
    assert decision.policy.code == "emergency"
    assert decision.emergency_words == ("漏水",)
    assert (calm.priority, calm.policy) == (item.sla.priority, item.sla)


def test_routing_resolve_without_rules_goes_to_the_community(catalogue):
    RoutingRule.objects.all().delete()
    item = Item.objects.get(code="RB01")

    decision = routing_resolve(item=item)

    assert (decision.lead, decision.rule) == ("community", None)


def test_catalogue_search_by_words_and_filters(catalogue):
    leak = catalogue_search(query="漏水")
    green = catalogue_search(domain_code="green", list_code="red_butler")

    assert "RB" in leak.first().code
    assert all(i.domain.code == "green" and i.service_list.code == "red_butler" for i in green)
    assert green.count() > 0
    assert catalogue_search(query="这个词不存在").count() == 0


def test_catalogue_search_hides_unpublished(catalogue):
    Item.objects.filter(code="RB01").update(is_active=False)

    assert not catalogue_search().filter(code="RB01").exists()
