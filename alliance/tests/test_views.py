from django.core.files.uploadedfile import SimpleUploadedFile

from alliance import services
from alliance.models import Agreement, Partner, Pledge
from alliance.tests.test_uploads import PDF
from catalog.models import Item

AGREEMENT = {
    "title": "红色物业联盟共建协议",
    "community": "",
    "other_parties": "开平路街道",
    "signed_on": "2026-03-01",
    "starts_on": "2026-03-01",
    "ends_on": "2027-02-28",
    "commitments": "每月开展一次志愿服务；每季度一次义诊。",
}


def _post_agreement(client, alliance, upload=None, **changes):
    data = AGREEMENT | {"community": alliance.world.C1.pk} | changes
    if upload is not None:
        data["upload"] = upload
    return client.post(f"/alliance/partners/{alliance.social.pk}/agreements/new/", data)


def test_agreement_with_a_pdf_is_recorded_and_downloadable(alliance, as_user):
    client = as_user(alliance.world.secretary)
    response = _post_agreement(
        client, alliance, SimpleUploadedFile("共建协议.pdf", PDF, content_type="text/plain")
    )
    assert response.status_code == 302
    agreement = Agreement.objects.get()
    assert (agreement.file_name, agreement.file_type, agreement.file_size) == (
        "共建协议.pdf",
        "application/pdf",
        len(PDF),
    )
    download = client.get(f"/alliance/agreements/{agreement.pk}/file/")
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == PDF
    page = client.get(f"/alliance/partners/{alliance.social.pk}/").content.decode()
    assert "红色物业联盟共建协议" in page
    assert "共建协议.pdf" in page


def test_agreement_with_a_bad_file_is_refused_and_nothing_is_stored(alliance, as_user):
    client = as_user(alliance.world.secretary)
    bad = [
        SimpleUploadedFile("协议.pdf", b"MZ\x90\x00 program", content_type="application/pdf"),
        SimpleUploadedFile("协议.html", b"<script>alert(1)</script>", content_type="text/html"),
        SimpleUploadedFile("协议.docx", PDF, content_type="application/msword"),
    ]
    for upload in bad:
        response = _post_agreement(client, alliance, upload)
        assert response.status_code == 400
        assert "is not a PDF, picture (JPEG, PNG) or Office document" in response.content.decode()
    assert not Agreement.objects.exists()


def test_agreement_term_must_be_in_order(alliance, as_user):
    client = as_user(alliance.world.secretary)
    response = _post_agreement(client, alliance, ends_on="2026-01-01")
    assert response.status_code == 400
    assert "The agreement must end after it starts." in response.content.decode()
    assert not Agreement.objects.exists()


def test_agreement_dates_speak_of_its_validity_not_a_school_term(alliance, client_for):
    response = _post_agreement(client_for(alliance.world.secretary), alliance, ends_on="2026-01-01")

    html = response.content.decode()
    assert "协议到期日期必须晚于生效日期。" in html and "学期" not in html


def test_agreement_file_is_missing_to_outsiders(alliance, as_user):
    w = alliance.world
    services.agreement_create(
        actor=w.secretary,
        partner=alliance.social,
        community=w.C1,
        title="协议",
        signed_on="2026-03-01",
        starts_on="2026-03-01",
        ends_on="2027-02-28",
        commitments="x",
        upload=SimpleUploadedFile("a.pdf", PDF),
    )
    agreement = Agreement.objects.get()
    for user in (w.other_manager, w.nobody):
        assert as_user(user).get(f"/alliance/agreements/{agreement.pk}/file/").status_code == 404
        assert as_user(user).get(f"/alliance/partners/{alliance.social.pk}/").status_code == 404


def test_only_the_back_office_manages(alliance, as_user):
    w = alliance.world
    for user in (w.grid_worker, w.partner, w.manager):
        for url in ("agreements/new/", "pledges/new/", "activities/"):
            response = as_user(user).get(f"/alliance/partners/{alliance.social.pk}/{url}")
            assert response.status_code == 404, (user, url)
    assert as_user(w.grid_worker).get("/alliance/partners/new/").status_code == 404


def test_partner_page_shows_pledges_against_delivery(alliance, as_user, catalogue):
    w = alliance.world
    client = as_user(w.secretary)
    item = Item.objects.get(code="RB01")
    response = client.post(
        f"/alliance/partners/{alliance.social.pk}/pledges/new/",
        {"item": item.pk, "commitment": "每周清扫一次楼道", "times_per_year": "52"},
    )
    assert response.status_code == 302
    assert Pledge.objects.get().item == item
    again = client.post(
        f"/alliance/partners/{alliance.social.pk}/pledges/new/",
        {"item": item.pk, "commitment": "again"},
    )
    assert again.status_code == 400
    assert "already pledged this service" in again.content.decode()
    page = as_user(w.partner).get(f"/alliance/partners/{alliance.social.pk}/?year=2026")
    html = page.content.decode()
    assert 'data-pledge="RB01"' in html
    assert "每周清扫一次楼道" in html
    assert 'data-stat="cases">0<' in html


def test_secretary_adds_a_partner(world, as_user):
    client = as_user(world.secretary)
    response = client.post(
        "/alliance/partners/new/",
        {
            "kind": "red_partner",
            "name": "青岛红色合伙人服务队",
            "communities": [world.C1.pk],
            "members": [world.partner.pk],
            "joined_on": "2026-05-01",
            "party_members": "12",
        },
    )
    partner = Partner.objects.get()
    assert response["Location"] == f"/alliance/partners/{partner.pk}/"
    assert list(partner.members.all()) == [world.partner]
    outside = client.post(
        "/alliance/partners/new/",
        {
            "kind": "red_partner",
            "name": "x",
            "communities": [world.C2.pk],
            "joined_on": "2026-05-01",
            "party_members": "0",
        },
    )
    assert outside.status_code == 400
    assert Partner.objects.count() == 1


def test_partner_list_by_kind(alliance, as_user):
    client = as_user(alliance.world.secretary)
    html = client.get("/alliance/?kind=property_company").content.decode()
    assert "方圆物业公司" in html
    assert "爱无限" not in html
    assert "爱无限" in client.get("/alliance/").content.decode()
