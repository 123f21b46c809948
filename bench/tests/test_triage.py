import pytest

from bench.triage import triage_speed
from triage.models import ModelVersion

pytestmark = pytest.mark.django_db


def test_the_triage_figure_times_suggestions_and_duplicate_searches(world, report):
    first = report(text="3号楼电梯坏了，停了两天没人修")

    result = triage_speed(samples=4)

    assert ModelVersion.objects.filter(is_active=True).count() == 1
    assert result["suggest_ms"]["n"] == result["duplicate_search_ms"]["n"] == 4
    assert result["model_trained_seconds"] is not None
    assert first.pk  # the one open case is where every search is made
