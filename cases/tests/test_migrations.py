import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from cases import services
from cases.models import CaseEvent

pytestmark = pytest.mark.django_db
renaming = importlib.import_module("cases.migrations.0021_first_response_events")


def test_stored_first_contact_events_take_the_new_name_and_back(world, report):
    case = report(now=timezone.now())
    services.case_accept(case=case, actor=world.manager)
    services.case_first_response(case=case, actor=world.manager, note="已电话联系居民")
    CaseEvent.objects.filter(action="first_response").update(action="first_contact")

    renaming._rename("first_contact", "first_response")(apps, None)

    actions = list(
        CaseEvent.objects.filter(case=case).order_by("pk").values_list("action", flat=True)
    )
    assert actions == ["submit", "accept", "first_response"]

    renaming._rename("first_response", "first_contact")(apps, None)

    assert CaseEvent.objects.filter(case=case, action="first_contact").count() == 1
