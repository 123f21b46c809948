"""Deadlines a person types are checked: a supervision or an extension cannot reach 9999."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import services
from cases.models import Case, CaseEvent, Extension
from core.errors import ApplicationError

pytestmark = pytest.mark.django_db


def test_a_supervision_due_in_year_9999_is_refused(world, report):
    case = report(now=timezone.now())
    far = timezone.now().replace(year=9999, month=12, day=31)

    with pytest.raises(ApplicationError) as refused:
        services.case_supervise(case=case, actor=world.secretary, due=far)

    assert "90" in refused.value.message
    assert Case.objects.get().supervise_due is None
    assert not CaseEvent.objects.filter(action="supervise").exists()


def test_an_extension_of_years_is_refused_and_one_of_weeks_is_asked(world, report):
    case = report(now=timezone.now())
    services.case_accept(case=case, actor=world.manager)

    with pytest.raises(ApplicationError):
        services.case_request_extension(
            case=case,
            actor=world.manager,
            reason="需要更换整条管道",
            new_due=case.resolution_due + timedelta(days=400),
        )
    asked = services.case_request_extension(
        case=case,
        actor=world.manager,
        reason="需要更换整条管道",
        new_due=case.resolution_due + timedelta(days=14),
    )

    assert list(Extension.objects.all()) == [asked]
