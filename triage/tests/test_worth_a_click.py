"""Suggestions are shown only where they are worth a click."""

import re

import pytest
from django.urls import reverse

from core.testing import T0

pytestmark = pytest.mark.django_db


def _percents(html: str) -> list[int]:
    return [int(p) for p in re.findall(r'<span class="text-muted">(\d+)%</span>', html)]


def test_suggestions_too_unlikely_to_pick_are_not_listed(world, trained, report, client_for):
    case = report(code="RB17", text="电梯坏了，按键没反应", now=T0)
    resident = world.resident_user

    typed = client_for(resident).post(
        reverse("triage:suggest"),
        {"description": "电梯坏了，按键没反应", "household": world.H1.pk},
        HTTP_HX_REQUEST="true",
    )
    panel = client_for(world.manager).get(reverse("triage:case_panel", args=[case.pk]))

    for html in (typed.content.decode(), panel.content.decode()):
        percents = _percents(html)
        assert percents and percents[0] >= 10
        assert min(percents) >= 10, percents


def test_a_booked_service_is_not_told_to_change_its_item(world, trained, report, client_for):
    booking = report(code="CV002", text="马桶堵了，请师傅上门疏通", now=T0)

    panel = client_for(world.manager).get(reverse("triage:case_panel", args=[booking.pk]))

    html = panel.content.decode()
    assert "data-disagrees" not in html
    assert "data-suggestion" not in html
    assert 'name="item"' not in html
