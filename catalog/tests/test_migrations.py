"""The seeded clocks: working time for ordinary matters, natural hours for emergencies, as data
an administrator may change."""

import importlib

import pytest
from django.apps import apps

from catalog.models import SlaPolicy

pytestmark = pytest.mark.django_db

working_time_clocks = importlib.import_module("catalog.migrations.0003_working_time_clocks")


def _clocks() -> dict:
    fields = ("response_amount", "response_unit", "resolution_amount", "resolution_unit")
    return {p.code: tuple(getattr(p, f) for f in fields) for p in SlaPolicy.objects.all()}


def test_seeded_clocks_run_on_working_time_except_emergencies_and_outages():
    assert _clocks() == {
        "emergency": (30, "minutes", 2, "hours"),
        "utilities": (2, "hours", 24, "hours"),
        "ordinary": (2, "working_hours", 5, "working_days"),
        "complex": (1, "working_days", 10, "working_days"),
        "consultation": (None, "", 1, "working_days"),
        "service": (2, "working_hours", 3, "working_days"),
    }
    assert "夜间和节假日照常计算" in SlaPolicy.objects.get(code="emergency").description


def test_the_migration_reverses_and_keeps_what_an_administrator_changed():
    working_time_clocks.natural_time(apps, None)
    before = _clocks()
    assert before["ordinary"] == (2, "hours", 7, "days")
    assert before["complex"] == (1, "working_days", 15, "days")
    assert SlaPolicy.objects.get(code="ordinary").description == ""

    SlaPolicy.objects.filter(code="service").update(resolution_amount=2)  # the admin's own
    SlaPolicy.objects.filter(code="ordinary").update(description="本小区的说明")
    working_time_clocks.working_time(apps, None)

    after = _clocks()
    assert after["ordinary"] == (2, "working_hours", 5, "working_days")
    assert after["service"] == (2, "hours", 2, "days")
    assert SlaPolicy.objects.get(code="ordinary").description == "本小区的说明"
    assert {code: after[code] for code in ("emergency", "utilities", "consultation")} == {
        code: before[code] for code in ("emergency", "utilities", "consultation")
    }
