import re

import pytest
from django.urls import reverse

from residents.models import PersonalDataAccess, Resident, SmsMessage

pytestmark = pytest.mark.django_db


def _without_csrf(response) -> str:
    """The page without what differs on every request anyway: CSRF tokens and its own path."""
    html = re.sub(r'"X-CSRFToken": "[^"]+"', "", response.content.decode())
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'name="next" value="[^"]+"', "", html)


def test_resident_list_shows_only_residents_in_scope_with_mobile_masked(world, client_for):
    response = client_for(world.grid_worker).get(reverse("residents:list"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "居民1" in html and "居民2" not in html and "居民3" not in html
    assert "139****0001" in html
    assert world.R1.mobile not in html


def test_resident_list_for_a_company_spans_its_estates(world, client_for):
    html = client_for(world.manager).get(reverse("residents:list")).content.decode()

    assert "居民1" in html and "居民3" in html and "居民2" not in html


def test_resident_list_search_by_full_mobile(world, client_for):
    html = (
        client_for(world.secretary)
        .get(reverse("residents:list"), {"q": world.R2.mobile})
        .content.decode()
    )

    assert "居民2" in html and "居民1" not in html


def test_resident_list_survives_junk_input(world, client_for):
    response = client_for(world.secretary).get(
        reverse("residents:list"), {"q": "' OR 1=1 --" + "x" * 100, "tag": "no-such", "page": "abc"}
    )

    assert response.status_code == 200
    assert "居民1" in response.content.decode()


def test_resident_list_refused_for_roles_without_directory(world, client_for):
    for user in (world.technician, world.partner, world.nobody):
        response = client_for(user).get(reverse("residents:list"))
        assert response.status_code == 403


def test_resident_detail_outside_scope_looks_missing(world, client_for):
    client = client_for(world.grid_worker)

    outside = client.get(reverse("residents:detail", args=[world.R2.pk]))
    missing = client.get(reverse("residents:detail", args=[999999]))

    assert outside.status_code == missing.status_code == 404
    assert _without_csrf(outside) == _without_csrf(missing)


def test_resident_detail_masks_id_number_and_household(world, client_for):
    html = (
        client_for(world.grid_worker)
        .get(reverse("residents:detail", args=[world.R1.pk]))
        .content.decode()
    )

    assert "370203********0013" in html
    assert world.R1.id_number not in html
    assert "***" in html and "1单元 101" not in html


def test_resident_reveal_shows_full_data_and_logs_it(world, client_for):
    response = client_for(world.grid_worker).post(
        reverse("residents:reveal", args=[world.R1.pk]), HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert world.R1.mobile in html and world.R1.id_number in html
    assert "<html" not in html  # only the fragment for htmx
    assert (
        PersonalDataAccess.objects.filter(actor=world.grid_worker, resident=world.R1).count() == 1
    )


def test_resident_reveal_refused_for_oversight_and_not_logged(world, client_for):
    response = client_for(world.subdistrict).post(reverse("residents:reveal", args=[world.R1.pk]))

    assert response.status_code == 403
    assert world.R1.mobile not in response.content.decode()
    assert PersonalDataAccess.objects.count() == 0


def test_resident_reveal_outside_scope_looks_missing(world, client_for):
    response = client_for(world.grid_worker).post(reverse("residents:reveal", args=[world.R2.pk]))

    assert response.status_code == 404
    assert PersonalDataAccess.objects.count() == 0


def test_resident_reveal_requires_post(world, client_for):
    response = client_for(world.grid_worker).get(reverse("residents:reveal", args=[world.R1.pk]))

    assert response.status_code == 405
    assert PersonalDataAccess.objects.count() == 0


def test_resident_signin_over_http(world, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(reverse("resident_send_code"), {"mobile": world.R1.mobile})
    assert sent.status_code == 302
    code = re.search(r"\d{6}", SmsMessage.objects.get(mobile=world.R1.mobile).body).group()

    response = client.post(
        reverse("resident_signin"),
        {"mobile": world.R1.mobile, "code": code, "consent": "on"},
        follow=True,
    )

    html = response.content.decode()
    assert "居民1" in html and "方城路小区" in html
    assert Resident.objects.get(pk=world.R1.pk).user_id is not None


def test_resident_signin_wrong_code_shows_message_and_stays_signed_out(world, client):
    client.post(reverse("resident_send_code"), {"mobile": world.R1.mobile})

    response = client.post(
        reverse("resident_signin"), {"mobile": world.R1.mobile, "code": "12345a", "consent": "on"}
    )

    assert response.status_code == 200
    assert "验证码为6位数字" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_resident_send_code_bad_number_shows_message(client):
    response = client.post(reverse("resident_send_code"), {"mobile": "1234"})

    assert response.status_code == 400
    assert "请输入有效的中国大陆手机号码" in response.content.decode()
    assert SmsMessage.objects.count() == 0
