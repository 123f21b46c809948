"""Agreement files are for the partner that signed them and the community that manages it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from alliance.models import Agreement
from alliance.tests.test_views import AGREEMENT, PDF

pytestmark = pytest.mark.django_db


def _signed(alliance, client_for, partner):
    data = AGREEMENT | {
        "community": alliance.world.C1.pk,
        "upload": SimpleUploadedFile("协议.pdf", PDF, content_type="application/pdf"),
    }
    client_for(alliance.world.secretary).post(
        f"/alliance/partners/{partner.pk}/agreements/new/", data
    )
    return Agreement.objects.get(partner=partner)


def test_a_partner_downloads_its_own_agreement_only(alliance, client_for):
    own = _signed(alliance, client_for, alliance.social)
    other = _signed(alliance, client_for, alliance.company)
    partner = client_for(alliance.world.partner)  # 爱无限's account

    mine = partner.get(f"/alliance/agreements/{own.pk}/file/")
    theirs = partner.get(f"/alliance/agreements/{other.pk}/file/")
    page = partner.get(f"/alliance/partners/{alliance.company.pk}/").content.decode()

    assert (mine.status_code, theirs.status_code) == (200, 404)
    assert mine.getvalue() == PDF
    assert f"/alliance/agreements/{other.pk}/file/" not in page
    manager = client_for(alliance.world.secretary).get(f"/alliance/agreements/{other.pk}/file/")
    assert manager.status_code == 200
    assert manager.getvalue() == PDF and manager["Content-Disposition"].startswith("attachment")
