from datetime import date

import pytest
from django.core.management import call_command

from catalog.models import CalendarDay, CalendarYear, Item, RoutingRule
from catalog.services import calendar_sync_from_package, catalogue_load_seed

pytestmark = pytest.mark.django_db


def test_calendar_sync_enters_only_missing_covered_years():
    CalendarYear.objects.filter(year=2025).delete()
    CalendarDay.objects.filter(date__year=2025).delete()

    entered = calendar_sync_from_package(first_year=2024, last_year=2030)

    assert entered == [2025]
    assert CalendarDay.objects.get(date=date(2025, 10, 1)).name == "国庆节"
    assert not CalendarYear.objects.filter(year=2030).exists()


def test_calendar_sync_command_runs_without_new_years(capsys):
    call_command("calendar_sync")

    assert "Entered" in capsys.readouterr().out


def test_catalogue_load_seed_is_idempotent_and_routes_by_provider():
    first = catalogue_load_seed()
    counts = (Item.objects.count(), RoutingRule.objects.count())
    catalogue_load_seed()

    assert first == Item.objects.count() == counts[0]
    assert RoutingRule.objects.count() == counts[1]
    leak = Item.objects.get(code="RB01")
    assert leak.routing_rules.get().lead == leak.provider
    assert RoutingRule.objects.get(item=None, domain=None, estate=None).emergency_words
