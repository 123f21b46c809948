"""A photo is public only with the resident's yes when reporting and a staff member's
approval; Open311 then gives it as media_url, apart from the description."""

import pytest
from django.test import Client
from django.urls import reverse

from cases import services
from cases.actions import action_forms
from cases.models import Case, CasePhoto
from cases.tests.test_views import _jpeg, _report_data
from core.errors import ApplicationError
from open311.tests.conftest import BASE, json_doc

pytestmark = pytest.mark.django_db


def _reported(world, resident_client, **consent):
    resident_client.post(
        reverse("cases:report"),
        {
            **_report_data(world, item="RB06", description="楼道堆满纸箱"),
            "photos": [_jpeg()],
            **consent,
        },
    )
    return Case.objects.get()


def _listed(case) -> dict:
    return json_doc(Client().get(f"{BASE}/requests/{case.tracking_no}.json"))[0]


def test_a_photo_the_resident_agreed_to_publish_is_public_once_approved(world, resident_client):
    case = _reported(world, resident_client, photos_public="on")
    photo = CasePhoto.objects.get()
    public = reverse("cases:public_photo", args=[photo.pk])
    before, unseen = _listed(case), Client().get(public)

    client = Client()
    client.force_login(world.secretary, backend="django.contrib.auth.backends.ModelBackend")
    client.post(reverse("cases:act", args=[case.pk, "publish_photos"]), {"version": case.version})
    after = _listed(case)
    seen = Client().get(public)

    assert "media_url" not in before and unseen.status_code == 404
    assert after["media_url"] == f"http://testserver{public}"
    assert "http" not in after["description"]
    assert (seen.status_code, seen["Content-Type"]) == (200, "image/jpeg")


def test_a_photo_without_the_residents_yes_is_never_published(world, resident_client):
    case = _reported(world, resident_client)

    offered = [name for name, _label, _form in action_forms(case=case, user=world.secretary)]
    with pytest.raises(ApplicationError):
        services.case_photos_publish(case=case, actor=world.secretary)

    assert "publish_photos" not in offered
    assert "media_url" not in _listed(case)
    assert CasePhoto.objects.get().published_at is None
