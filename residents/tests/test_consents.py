"""Separate consent (单独同意): a vulnerable-situation tag is recorded only with the person's
(or a guardian's) separate consent, held as a ledger row and withdrawable; a property company
never sees those tags."""

import re

import pytest
from django.utils.html import strip_tags

from core.errors import ApplicationError, Forbidden
from residents import services
from residents.models import SeparateConsent, Tag

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return re.sub(r"\s+", " ", strip_tags(response.content.decode()))


def _tags(resident) -> set[str]:
    return set(resident.tags.values_list("code", flat=True))


def test_the_sensitive_tags_are_the_vulnerable_situations(db):
    sensitive = Tag.objects.filter(is_sensitive=True).values_list("code", flat=True)

    assert sorted(sensitive) == ["child", "disability", "elderly_alone", "low_income"]


def test_tagging_someone_as_living_alone_without_consent_is_refused(world, client_for):
    alone = Tag.objects.get(code="elderly_alone")

    response = client_for(world.grid_worker).post(
        f"/residents/{world.R1.pk}/tags/", {"tags": [alone.pk]}
    )

    assert response.status_code == 400
    assert "居民1 还没有就此项单独同意：特殊群体标签：独居、残疾、低保、儿童" in _text(response)
    assert _tags(world.R1) == set() and SeparateConsent.objects.count() == 0


def test_ticking_the_box_records_the_consent_and_the_tag_in_one_step(world, client_for):
    alone, party = Tag.objects.get(code="elderly_alone"), Tag.objects.get(code="party_member")

    response = client_for(world.grid_worker).post(
        f"/residents/{world.R1.pk}/tags/",
        {"tags": [alone.pk, party.pk], "separate_consent": "on", "consent_given_by": "self"},
    )

    assert response.status_code == 302
    assert _tags(world.R1) == {"elderly_alone", "party_member"}
    consent = SeparateConsent.objects.get()
    assert (consent.resident, consent.purpose, consent.rules_version) == (
        world.R1,
        "vulnerability",
        "1.0",
    )
    assert (consent.given_by, consent.recorded_by, consent.withdrawn_at) == (
        "self",
        world.grid_worker,
        None,
    )


def test_a_tag_that_is_not_sensitive_needs_no_consent(world):
    services.resident_tags_set(
        actor=world.community, resident=world.R1, tags=[Tag.objects.get(code="volunteer")]
    )

    assert _tags(world.R1) == {"volunteer"} and SeparateConsent.objects.count() == 0


def test_a_guardian_gives_consent_for_a_child_with_their_name(world, client_for):
    child = Tag.objects.get(code="child")
    client = client_for(world.secretary)
    url = f"/residents/{world.R1.pk}/tags/"

    nameless = client.post(
        url, {"tags": [child.pk], "separate_consent": "on", "consent_given_by": "guardian"}
    )
    named = client.post(
        url,
        {
            "tags": [child.pk],
            "separate_consent": "on",
            "consent_given_by": "guardian",
            "consent_guardian": "居民1的母亲",
        },
    )

    assert nameless.status_code == 400 and "请填写监护人姓名。" in _text(nameless)
    assert named.status_code == 302
    consent = SeparateConsent.objects.get()
    assert (consent.given_by, consent.guardian_name) == ("guardian", "居民1的母亲")


def test_a_property_company_may_not_tag_nor_see_vulnerable_situations(world, client_for):
    services.resident_tags_set(
        actor=world.grid_worker,
        resident=world.R1,
        tags=Tag.objects.filter(code__in=["low_income", "party_member"]),
        consent=services.ConsentGiven(),
    )
    manager = client_for(world.manager)

    with pytest.raises(Forbidden):
        services.resident_tags_set(actor=world.manager, resident=world.R1, tags=[])
    listed = _text(manager.get("/residents/"))
    detail = _text(manager.get(f"/residents/{world.R1.pk}/"))
    searched = _text(manager.get("/residents/", {"tag": "low_income"}))
    grid = _text(client_for(world.grid_worker).get("/residents/"))

    assert "党员" in listed and "低保户" not in listed and "低保户" not in detail
    assert "低保户" not in searched and "居民3" in searched  # the filter is dropped
    assert "低保户" in grid
    assert _tags(world.R1) == {"low_income", "party_member"}


def test_the_resident_withdraws_on_their_page_and_the_tags_go(world, resident_client):
    services.resident_tags_set(
        actor=world.grid_worker,
        resident=world.R1,
        tags=Tag.objects.filter(code__in=["elderly_alone", "party_member"]),
        consent=services.ConsentGiven(),
    )
    consent = SeparateConsent.objects.get()
    page = resident_client.get("/residents/me/").content.decode()

    response = resident_client.post(f"/residents/consents/{consent.pk}/withdraw/")

    assert f'action="/residents/consents/{consent.pk}/withdraw/"' in page
    assert response.status_code == 302 and response["Location"] == "/residents/me/"
    consent.refresh_from_db()
    assert consent.withdrawn_by == world.resident_user and consent.withdrawn_at is not None
    assert _tags(world.R1) == {"party_member"}
    assert "已于" in _text(resident_client.get("/residents/me/"))


def test_staff_withdraw_on_the_residents_behalf_only_with_a_note(world, client_for):
    consent = services.consent_give(
        resident=world.R1,
        purpose="vulnerability",
        actor=world.grid_worker,
        given=services.ConsentGiven(),
    )
    client = client_for(world.community)

    client.post(f"/residents/consents/{consent.pk}/withdraw/", {"note": ""})
    consent.refresh_from_db()
    assert consent.withdrawn_at is None
    client.post(f"/residents/consents/{consent.pk}/withdraw/", {"note": "12月3日电话告知"})

    consent.refresh_from_db()
    assert (consent.withdrawn_by, consent.withdrawal_note) == (world.community, "12月3日电话告知")


def test_someone_elses_consent_looks_missing(world, client_for, resident_client):
    consent = services.consent_give(
        resident=world.R2, purpose="care", actor=world.secretary, given=services.ConsentGiven()
    )

    mine = resident_client.post(f"/residents/consents/{consent.pk}/withdraw/")
    outside = client_for(world.grid_worker).post(
        f"/residents/consents/{consent.pk}/withdraw/", {"note": "x"}
    )

    assert mine.status_code == outside.status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


def test_a_consent_still_valid_is_not_recorded_twice(world):
    given = services.ConsentGiven()
    first = services.consent_give(
        resident=world.R1, purpose="care", actor=world.grid_worker, given=given
    )
    again = services.consent_give(
        resident=world.R1, purpose="care", actor=world.community, given=given
    )

    assert first == again and SeparateConsent.objects.count() == 1
    services.consent_withdraw(consent=first, actor=world.community, note="本人电话撤回")
    with pytest.raises(ApplicationError):
        services.consent_withdraw(consent=first, actor=world.community, note="again")
    renewed = services.consent_give(
        resident=world.R1, purpose="care", actor=world.grid_worker, given=given
    )
    assert renewed != first and SeparateConsent.objects.count() == 2


def test_staff_record_a_consent_given_on_paper_on_the_resident_page(world, client_for):
    client = client_for(world.microgrid_leader)
    page = client.get(f"/residents/{world.R1.pk}/").content.decode()

    response = client.post(
        f"/residents/{world.R1.pk}/consents/",
        {"purpose": "care", "separate_consent": "on", "consent_given_by": "self"},
    )

    assert 'href="/privacy/"' in page
    assert response.status_code == 302
    assert SeparateConsent.objects.get().recorded_by == world.microgrid_leader


def test_the_admin_holds_tags_to_the_same_rule(world, client_for):
    admin = client_for(world.admin)
    url = f"/admin/residents/resident/{world.R1.pk}/change/"
    form = {
        "name": "居民1",
        "mobile": world.R1.mobile,
        "id_number": world.R1.id_number,
        "tags": [Tag.objects.get(code="disability").pk],
        "ties-TOTAL_FORMS": "0",
        "ties-INITIAL_FORMS": "0",
    }

    refused = admin.post(url, form)
    services.consent_give(
        resident=world.R1, purpose="vulnerability", actor=world.admin, given=services.ConsentGiven()
    )
    saved = admin.post(url, form)

    assert refused.status_code == 200 and "需要居民的单独同意" in _text(refused)
    assert saved.status_code == 302 and _tags(world.R1) == {"disability"}
