from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from cases.services import case_submit
from catalog.models import Item
from catalog.services import catalogue_load_seed

SH = ZoneInfo("Asia/Shanghai")
# A Wednesday morning with no holiday near: clocks are easy to reason about.
T0 = datetime(2026, 11, 25, 9, 0, tzinfo=SH)


@pytest.fixture
def catalogue(db):
    catalogue_load_seed()


@pytest.fixture
def report(world, catalogue, django_capture_on_commit_callbacks):
    """Submit a case as resident R1 of building B1 (micro-grid M1, company P1)."""
    from orgs.models import User

    user = User.objects.create(username="resident-r1")
    world.R1.user = user
    world.R1.save()
    world.resident_user = user

    def _report(*, code="RB01", text="楼道里堆满了杂物，影响通行", now=T0, **extra):
        fields = {
            "item": Item.objects.get(code=code),
            "description": text,
            "channel": "web",
            "created_by": user,
            "resident": world.R1,
            "estate": world.E1,
            "building": world.B1,
            "now": now,
        }
        fields.update(extra)
        return case_submit(**fields)

    return _report
