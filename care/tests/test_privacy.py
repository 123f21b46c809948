"""Care pages show a person's number and door only to roles that may see them, each time
logged for the person to read; health details filed as a case stay with the community side."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils.html import strip_tags

from care import services
from care.models import CareRecipient
from care.tests.conftest import answers
from core.errors import ApplicationError
from core.testing import T0
from residents.models import PersonalDataAccess, SeparateConsent

FULL_MOBILE = "13905320001"  # R1's
DOOR = "1单元 101"  # R1's unit and door, as a page would print them unmasked


def _text(response) -> str:
    """What a reader sees: the page's text with its spacing collapsed."""
    return re.sub(r"\s+", " ", strip_tags(response.content.decode()))


def _pages(care):
    r = care.recipient.pk
    return ["/care/", "/care/today/", f"/care/recipients/{r}/", f"/care/recipients/{r}/visit/"]


@pytest.fixture
def with_partner(care):
    """The partner's accounts are assigned to R1's plan, so they see R1's pages."""
    services.plan_update(
        actor=care.world.secretary,
        recipient=care.recipient,
        visit_every_days=7,
        partner=care.partner,
        now=T0,
    )
    return care


@pytest.mark.parametrize("who", ["grid_worker", "secretary", "partner"])
def test_care_pages_mask_the_number_and_door_for_everyone(with_partner, as_user, who):
    care = with_partner
    client = as_user(getattr(care.world, who))

    with time_machine.travel(T0, tick=False):
        bodies = {url: _text(client.get(url)) for url in _pages(care)}

    for url, html in bodies.items():
        assert "居民1" in html, url
        assert FULL_MOBILE not in html, url
        assert DOOR not in html, url
    assert "139****0001" in bodies[f"/care/recipients/{care.recipient.pk}/"]
    assert "1单元 ***" in bodies["/care/today/"]
    assert PersonalDataAccess.objects.count() == 0


def test_the_assessment_form_masks_the_door(care, as_user):
    text = _text(
        as_user(care.world.grid_worker).get(f"/care/recipients/{care.recipient.pk}/assess/")
    )

    assert DOOR not in text and "1单元 ***" in text


def test_a_grid_worker_reveals_the_number_to_call_and_it_is_logged(care, as_user):
    client = as_user(care.world.grid_worker)
    page = client.get("/care/today/").content.decode()
    assert f"/care/recipients/{care.recipient.pk}/reveal/" in page

    response = client.post(f"/care/recipients/{care.recipient.pk}/reveal/", HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="tel:{FULL_MOBILE}"' in html and DOOR in _text(response)
    assert "<html" not in html  # the fragment only
    access = PersonalDataAccess.objects.get()
    assert (access.actor, access.resident, access.context, access.context_id) == (
        care.world.grid_worker,
        care.world.R1,
        "care",
        care.recipient.pk,
    )
    assert (access.fields, access.actor_org) == (["mobile", "household"], "第一网格")


def test_the_partner_sees_the_person_but_cannot_reveal(with_partner, as_user):
    care = with_partner
    client = as_user(care.world.partner)

    page = client.get(f"/care/recipients/{care.recipient.pk}/").content.decode()
    response = client.post(f"/care/recipients/{care.recipient.pk}/reveal/")

    assert "居民1" in page and "/reveal/" not in page
    assert response.status_code == 403
    assert FULL_MOBILE not in response.content.decode()
    assert PersonalDataAccess.objects.count() == 0


def test_revealing_outside_the_care_area_looks_missing(care, as_user):
    response = as_user(care.other_grid_worker).post(f"/care/recipients/{care.recipient.pk}/reveal/")

    assert response.status_code == 404
    assert PersonalDataAccess.objects.count() == 0


def test_opening_an_assessment_is_in_the_persons_own_access_log(care, as_user):
    a = services.assessment_record(
        actor=care.world.grid_worker, recipient=care.recipient, answers=answers(), now=T0
    )

    as_user(care.world.secretary).get(f"/care/assessments/{a.pk}/")

    access = PersonalDataAccess.objects.get()
    assert (access.actor, access.resident, access.fields) == (
        care.world.secretary,
        care.world.R1,
        ["assessment"],
    )


# ---------------------------------------------------------------------------------------------
# Separate consent to care, and leaving care


def test_enrolment_without_the_separate_consent_is_refused(care, as_user):
    client = as_user(care.world.secretary)
    page = client.get("/care/enroll/").content.decode()

    refused = client.post("/care/enroll/", {"resident": care.world.R2.pk})

    assert 'href="/privacy/"' in page and 'name="separate_consent"' in page
    assert refused.status_code == 400
    assert "has not given separate consent for this: Care services" in refused.content.decode()
    assert not CareRecipient.objects.filter(resident=care.world.R2).exists()
    assert not SeparateConsent.objects.filter(resident=care.world.R2).exists()


def test_enrolment_with_the_box_ticked_records_the_consent(care, as_user):
    response = as_user(care.world.secretary).post(
        "/care/enroll/",
        {
            "resident": care.world.R2.pk,
            "separate_consent": "on",
            "consent_given_by": "guardian",
            "consent_guardian": "居民2的女儿",
        },
    )

    assert response.status_code == 302
    consent = SeparateConsent.objects.get(resident=care.world.R2)
    assert (consent.purpose, consent.given_by, consent.guardian_name, consent.recorded_by) == (
        "care",
        "guardian",
        "居民2的女儿",
        care.world.secretary,
    )
    assert CareRecipient.objects.get(resident=care.world.R2).is_active


def test_an_assessment_without_a_valid_consent_asks_for_it(care, as_user):
    SeparateConsent.objects.all().delete()  # someone enrolled before consents were asked
    client = as_user(care.world.grid_worker)
    url = f"/care/recipients/{care.recipient.pk}/assess/"

    form = client.get(url).content.decode()
    refused = client.post(url, answers())
    recorded = client.post(url, answers() | {"separate_consent": "on", "consent_given_by": "self"})

    assert 'name="separate_consent"' in form
    assert (
        refused.status_code == 400 and "has not given separate consent" in refused.content.decode()
    )
    assert recorded.status_code == 302
    assert care.recipient.assessments.count() == 1
    assert SeparateConsent.objects.get().purpose == "care"
    again = client.get(url).content.decode()
    assert 'name="separate_consent"' not in again  # on record now


def test_withdrawing_the_consent_ends_care_at_once(care, as_user, client_for):
    from care.models import CareAlert
    from care.worker import alerts_due
    from residents.services import consent_withdraw

    alerts_due(now=T0 + timedelta(days=3))
    assert CareAlert.objects.filter(cleared_at__isnull=True).exists()
    consent = SeparateConsent.objects.get(resident=care.world.R1, purpose="care")

    consent_withdraw(consent=consent, actor=care.world.community, note="本人来电要求停止")

    care.recipient.refresh_from_db()
    assert (care.recipient.is_active, care.recipient.leave_reason) == (False, "consent_withdrawn")
    assert not CareAlert.objects.filter(cleared_at__isnull=True).exists()
    with time_machine.travel(T0 + timedelta(days=3), tick=False):
        today = as_user(care.world.grid_worker).get("/care/today/").content.decode()
    assert "居民1" not in today
    with pytest.raises(ApplicationError, match="no longer in care"):
        services.assessment_record(
            actor=care.world.grid_worker, recipient=care.recipient, answers=answers(), now=T0
        )
    with pytest.raises(ApplicationError, match="no longer in care"):
        services.visit_log(
            actor=care.world.grid_worker,
            recipient=care.recipient,
            visited_at=T0,
            kind="home",
            visitors="x",
            wellbeing="good",
            findings="x",
            now=T0,
        )


def test_staff_end_care_on_the_recipient_page(care, as_user):
    client = as_user(care.world.grid_worker)

    response = client.post(f"/care/recipients/{care.recipient.pk}/leave/", {"reason": "moved_away"})
    page = _text(client.get(f"/care/recipients/{care.recipient.pk}/"))

    assert response.status_code == 302
    care.recipient.refresh_from_db()
    assert (care.recipient.is_active, care.recipient.leave_reason) == (False, "moved_away")
    assert "Left care on 2026-" in page and "Moved away" in page
    assert (
        as_user(care.world.partner)
        .post(f"/care/recipients/{care.recipient.pk}/leave/", {"reason": "moved_away"})
        .status_code
        == 404
    )


# ---------------------------------------------------------------------------------------------
# A finding filed as a case: the property company reads what to fix, not the person's health

FINDING = "楼道灯坏了，老人晚上不敢出门，差点摔倒。"


def _filed(care, catalogue):
    from catalog.models import Item

    visit = services.visit_log(
        actor=care.world.grid_worker,
        recipient=care.recipient,
        visited_at=T0,
        kind="home",
        visitors="赵志强",
        wellbeing="poor",
        findings=FINDING,
        now=T0,
    )
    return services.visit_to_case(
        visit=visit,
        actor=care.world.grid_worker,
        item=Item.objects.get(code="RB19"),
        description="1号楼1单元楼道灯不亮",
        now=T0,
    )


def test_the_visit_to_case_form_says_who_reads_what(care, as_user):
    visit = services.visit_log(
        actor=care.world.grid_worker,
        recipient=care.recipient,
        visited_at=T0,
        kind="home",
        visitors="赵志强",
        wellbeing="poor",
        findings=FINDING,
        now=T0,
    )
    client = as_user(care.world.grid_worker)
    client.cookies["django_language"] = "zh-hans"

    html = client.get(f"/care/visits/{visit.pk}/").content.decode()

    assert "需要处理的问题和位置" in html
    assert "物业公司和办理人员都会看到这段话" in html
    assert "只有社区一方能看到的内部备注" in html
    assert FINDING not in html.split('name="description"')[1].split("</textarea>")[0]


def test_the_property_company_reads_the_fault_not_the_health_details(
    care, as_user, client_for, catalogue
):
    from cases.models import CaseEvent, Notification

    case = _filed(care, catalogue)
    manager = as_user(care.world.manager)

    company_page = manager.get(f"/cases/{case.pk}/").content.decode()
    company_api = client_for(care.world.manager).get(f"/api/v1/cases/{case.tracking_no}").json()
    community_page = as_user(care.world.secretary).get(f"/cases/{case.pk}/").content.decode()

    assert case.description == "1号楼1单元楼道灯不亮"
    assert "1号楼1单元楼道灯不亮" in company_page
    assert "差点摔倒" not in company_page
    assert "差点摔倒" not in str(company_api)
    assert [e["action"] for e in company_api["timeline"]] == ["submit"]
    assert f"关爱走访（2026-11-25，赵志强）发现：{FINDING}" in community_page
    note = CaseEvent.objects.get(case=case, action="note")
    assert (note.community_only, note.public) == (True, False)
    told = Notification.objects.filter(event=note)
    assert not told.filter(user__memberships__company__isnull=False).exists()


def test_the_partner_does_not_read_the_health_note_either(with_partner, as_user, catalogue):
    from cases.services import case_accept, case_assign

    care = with_partner
    case = _filed(care, catalogue)
    case_accept(case=case, actor=care.world.secretary, now=T0)
    case_assign(case=case, actor=care.world.secretary, assignee=care.world.partner, now=T0)

    page = as_user(care.world.partner).get(f"/cases/{case.pk}/").content.decode()

    assert "1号楼1单元楼道灯不亮" in page and "差点摔倒" not in page


def test_a_finding_needs_a_description_of_the_fault(care, catalogue):
    from catalog.models import Item

    visit = services.visit_log(
        actor=care.world.grid_worker,
        recipient=care.recipient,
        visited_at=T0,
        kind="home",
        visitors="赵志强",
        wellbeing="poor",
        findings=FINDING,
        now=T0,
    )

    with pytest.raises(ApplicationError, match="what must be fixed and where"):
        services.visit_to_case(
            visit=visit,
            actor=care.world.grid_worker,
            item=Item.objects.get(code="RB19"),
            description=" ",
            now=T0,
        )
    from cases.models import Case

    assert Case.objects.count() == 0
