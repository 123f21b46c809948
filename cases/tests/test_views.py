from datetime import timedelta
from html.parser import HTMLParser
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from cases import services
from cases.models import Case, CaseEvent, Status
from catalog.models import Item

pytestmark = pytest.mark.django_db


def _jpeg(name="leak.jpg"):
    out = BytesIO()
    Image.new("RGB", (80, 60), (30, 30, 200)).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def _report_data(world, **extra):
    data = {
        "item": "RB01",
        "description": "楼上漏水，厨房天花板在滴水",
        "household": world.H1.pk,
        "building": "",
        "location_text": "",
        "contact_name": "",
        "contact_mobile": "",
        "idempotency_key": "abc123",
    }
    data.update(extra)
    return data


def test_resident_reports_a_leak_with_a_photo(world, resident_client):
    response = resident_client.post(
        reverse("cases:report"),
        {**_report_data(world), "photos": [_jpeg(), _jpeg("b.jpg")]},
        follow=True,
    )

    case = Case.objects.get()
    html = response.content.decode()
    assert case.tracking_no in html and "诉求编号" in html
    assert case.priority == "emergency"
    assert case.photos.count() == 2
    assert (case.household, case.building) == (world.H1, world.B1)


def test_resident_report_retry_with_same_key_makes_one_case(world, resident_client):
    resident_client.post(reverse("cases:report"), _report_data(world))
    resident_client.post(reverse("cases:report"), _report_data(world))

    assert Case.objects.count() == 1


def test_resident_report_bad_photo_shows_message_and_stores_nothing(world, resident_client):
    response = resident_client.post(
        reverse("cases:report"),
        {
            **_report_data(world),
            "photos": [SimpleUploadedFile("x.jpg", b"GIF89a not really")],
        },
    )

    assert response.status_code == 200
    assert "x.jpg" in response.content.decode()
    assert Case.objects.count() == 0


def test_resident_report_requires_a_place(world, resident_client):
    response = resident_client.post(reverse("cases:report"), _report_data(world, household=""))

    assert "请说明位置" in response.content.decode()
    assert Case.objects.count() == 0


def test_resident_cannot_report_for_someone_elses_household(world, resident_client):
    resident_client.post(reverse("cases:report"), _report_data(world, household=world.H2.pk))

    assert Case.objects.count() == 0


def test_staff_see_a_new_case_in_their_inbox_at_once(world, resident_client, client_for):
    resident_client.post(reverse("cases:report"), _report_data(world))
    case = Case.objects.get()

    for user in (world.manager, world.grid_worker, world.microgrid_leader, world.secretary):
        html = client_for(user).get(reverse("cases:inbox")).content.decode()
        assert case.tracking_no in html, user
    for user in (world.other_manager,):
        html = client_for(user).get(reverse("cases:inbox")).content.decode()
        assert case.tracking_no not in html


def test_case_page_out_of_scope_is_404(world, resident_client, client_for):
    resident_client.post(reverse("cases:report"), _report_data(world))
    case = Case.objects.get()

    assert (
        client_for(world.other_manager).get(reverse("cases:detail", args=[case.pk])).status_code
        == 404
    )
    page = client_for(world.manager).get(reverse("cases:detail", args=[case.pk]))
    assert page.status_code == 200
    assert case.tracking_no in page.content.decode()


def test_staff_accepts_and_resolves_through_htmx(world, resident_client, client_for):
    resident_client.post(reverse("cases:report"), _report_data(world))
    case = Case.objects.get()
    client = client_for(world.manager)

    accepted = client.post(
        reverse("cases:act", args=[case.pk, "accept"]),
        {"version": case.version},
        HTTP_HX_REQUEST="true",
    )
    case.refresh_from_db()
    resolved = client.post(
        reverse("cases:act", args=[case.pk, "resolve"]),
        {"version": case.version, "text": "已更换水管", "photos": [_jpeg()]},
        HTTP_HX_REQUEST="true",
    )

    assert accepted.content.decode().lstrip().startswith('<div id="case">')
    assert 'data-status="resolved"' in resolved.content.decode()
    case.refresh_from_db()
    assert case.status == Status.RESOLVED
    assert case.events.get(action="resolve").photos.count() == 1


def test_staff_stale_page_gets_a_conflict_message_and_nothing_changes(
    world, resident_client, client_for
):
    resident_client.post(reverse("cases:report"), _report_data(world))
    case = Case.objects.get()
    stale = case.version
    client_for(world.manager).post(
        reverse("cases:act", args=[case.pk, "accept"]), {"version": stale}
    )

    response = client_for(world.grid_worker).post(
        reverse("cases:act", args=[case.pk, "return"]),
        {"version": stale, "reason": "wrong_location"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 409
    assert "已被他人修改" in response.content.decode()
    assert list(case.events.values_list("action", flat=True)) == ["submit", "accept"]


def test_staff_illegal_action_is_refused_with_a_message(world, resident_client, client_for):
    resident_client.post(reverse("cases:report"), _report_data(world))
    case = Case.objects.get()

    response = client_for(world.manager).post(
        reverse("cases:act", args=[case.pk, "resolve"]),
        {"version": case.version, "text": "x"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 409
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED


def test_staff_unknown_action_and_bad_form_do_not_500(world, resident_client, client_for):
    resident_client.post(reverse("cases:report"), _report_data(world))
    case = Case.objects.get()
    client = client_for(world.manager)

    assert client.post(reverse("cases:act", args=[case.pk, "explode"]), {}).status_code == 404
    bad = client.post(
        reverse("cases:act", args=[case.pk, "accept"]), {"version": "x"}, HTTP_HX_REQUEST="true"
    )
    assert bad.status_code == 400
    assert Case.objects.get().status == Status.SUBMITTED


def test_case_page_masks_contact_and_reveal_is_logged(world, resident_client, client_for):
    resident_client.post(reverse("cases:report"), _report_data(world))
    case = Case.objects.get()
    client = client_for(world.manager)

    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    revealed = client.post(reverse("cases:reveal_contact", args=[case.pk]), HTTP_HX_REQUEST="true")

    assert world.R1.mobile not in page and "139****0001" in page
    assert world.R1.mobile in revealed.content.decode()
    assert (
        CaseEvent.objects.filter(case=case, action="reveal_contact", actor=world.manager).count()
        == 1
    )


def test_case_page_only_offers_actions_the_role_may_take(world, resident_client, client_for):
    resident_client.post(reverse("cases:report"), _report_data(world))
    case = Case.objects.get()

    manager_page = (
        client_for(world.manager).get(reverse("cases:detail", args=[case.pk])).content.decode()
    )
    oversight_page = (
        client_for(world.subdistrict).get(reverse("cases:detail", args=[case.pk])).content.decode()
    )

    assert 'data-action="accept"' in manager_page and 'data-action="supervise"' not in manager_page
    assert (
        'data-action="accept"' not in oversight_page and 'data-action="supervise"' in oversight_page
    )


class _Labels(HTMLParser):
    """Each label's target, and the ids of the fields inside each form."""

    def __init__(self):
        super().__init__()
        self.form, self.ids, self.labels = None, [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.form = attrs.get("data-action")
        if "id" in attrs:
            self.ids.append((attrs["id"], self.form))
        if tag == "label" and "for" in attrs:
            self.labels.append((attrs["for"], self.form))

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None


def test_every_label_on_the_case_page_leads_to_its_own_forms_field(world, report, client_for):
    """The case page has a form per action: a reply's "内容" and a resolution's text must not
    share an id, or a tap on the resolution's label (and a screen reader) lands in the reply."""
    case = report(now=timezone.now())
    services.case_accept(case=case, actor=world.manager)
    page = _Labels()
    page.feed(
        client_for(world.manager).get(reverse("cases:detail", args=[case.pk])).content.decode()
    )

    ids = [id_ for id_, _ in page.ids]
    assert len(ids) == len(set(ids))
    assert len(page.labels) > 5
    assert all((target, form) in page.ids for target, form in page.labels)


def test_resident_sees_public_timeline_and_rates(world, resident_client, client_for):
    resident_client.post(reverse("cases:report"), _report_data(world))
    case = Case.objects.get()
    services.case_accept(case=case, actor=world.manager)
    services.case_reply(case=case, actor=world.manager, text="内部备注不可见", public=False)
    services.case_resolve(case=case, actor=world.manager, note="已修好")

    page = resident_client.get(
        reverse("cases:mine_detail", args=[case.tracking_no])
    ).content.decode()
    assert "已修好" in page and "内部备注不可见" not in page

    resident_client.post(
        reverse("cases:mine_detail", args=[case.tracking_no]),
        {"rating": "satisfied", "comment": "师傅很负责", "tags": ["fast"]},
    )
    case.refresh_from_db()
    assert (case.status, case.rating) == (Status.CLOSED, "satisfied")


def test_resident_cannot_open_someone_elses_case(world, resident_client, client_for):
    from orgs.models import User

    resident_client.post(reverse("cases:report"), _report_data(world))
    case = Case.objects.get()
    stranger = client_for(User.objects.create(username="stranger"))

    assert stranger.get(reverse("cases:mine_detail", args=[case.tracking_no])).status_code == 404


def test_photos_are_served_only_within_scope(world, resident_client, client_for):
    resident_client.post(reverse("cases:report"), {**_report_data(world), "photos": [_jpeg()]})
    photo = Case.objects.get().photos.get()

    own = resident_client.get(reverse("cases:photo", args=[photo.pk]))
    staff = client_for(world.manager).get(reverse("cases:photo", args=[photo.pk]))
    assert own.status_code == 200
    assert staff.status_code == 200
    assert Image.open(BytesIO(own.getvalue())).size == (80, 60)
    assert staff.getvalue() == own.getvalue()
    assert (
        client_for(world.other_manager).get(reverse("cases:photo", args=[photo.pk])).status_code
        == 404
    )


def test_resident_books_a_doorstep_service(world, resident_client):
    item = Item.objects.filter(kind="service").first()
    when = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT10:00")

    resident_client.post(
        reverse("cases:book", args=[item.code]),
        {
            "household": world.H1.pk,
            "preferred_time": when,
            "description": "",
            "idempotency_key": "book-1",
        },
    )

    case = Case.objects.get()
    assert (case.kind, case.doorstep, case.item) == ("service_request", True, item)


def test_staff_file_a_case_for_a_phone_caller(world, catalogue, client_for):
    response = client_for(world.grid_worker).post(
        reverse("cases:staff_new"),
        {
            "channel": "phone",
            "resident_mobile": world.R1.mobile,
            "item": "RB01",
            "description": "电话反映：楼道灯坏了",
            "household": world.H1.pk,
            "idempotency_key": "ph-1",
        },
    )

    case = Case.objects.get()
    assert response.status_code == 302
    assert (case.channel, case.resident, case.created_by) == ("phone", world.R1, world.grid_worker)


def test_inbox_tabs_filters_and_search(world, resident_client, client_for):
    resident_client.post(reverse("cases:report"), _report_data(world))
    resident_client.post(
        reverse("cases:report"), _report_data(world, idempotency_key="k2", description="门禁坏了")
    )
    first, second = Case.objects.order_by("id")
    services.case_accept(case=second, actor=world.manager)
    client = client_for(world.manager)

    pending = client.get(reverse("cases:inbox"), {"tab": "pending"}).content.decode()
    active = client.get(reverse("cases:inbox"), {"tab": "active"}).content.decode()
    search = client.get(
        reverse("cases:inbox"), {"tab": "active", "q": second.tracking_no}, HTTP_HX_REQUEST="true"
    ).content.decode()

    assert first.tracking_no in pending and second.tracking_no not in pending
    assert second.tracking_no in active
    assert search.lstrip().startswith('<div id="rows"') and second.tracking_no in search
    typed = client.get(reverse("cases:inbox"), {"tab": "active", "q": second.tracking_no.lower()})
    assert 'data-count="1"' in typed.content.decode()
    junk = client.get(reverse("cases:inbox"), {"tab": "nope", "since": "yesterday", "estate": "-1"})
    assert junk.status_code == 200
    junk = junk.content.decode()  # the pending tab, with the bad filters named
    assert 'data-error="since"' in junk and 'data-error="estate"' in junk
    assert 'data-count="1"' in junk and first.tracking_no in junk
    half_bad = client.get(
        reverse("cases:inbox"), {"tab": "pending", "q": "门禁", "since": "yesterday"}
    ).content.decode()
    assert 'data-error="since"' in half_bad  # named; the search still applies
    assert 'data-count="0"' in half_bad and first.tracking_no not in half_bad


def test_inbox_counts_and_pages_match_the_tab_and_the_filters(world, report, client_for):
    cases = [report(text=f"楼道灯不亮了，第{n}盏") for n in range(27)]
    services.case_accept(case=cases[0], actor=world.manager)
    client = client_for(world.manager)

    def page(**params):
        html = client.get(reverse("cases:inbox"), params).content.decode()
        count = int(html.split('data-count="', 1)[1].split('"', 1)[0])
        return count, {c.tracking_no for c in cases if c.tracking_no in html}

    count, first = page(tab="pending")
    assert count == 26 and len(first) == 25
    count, second = page(tab="pending", page=2)
    assert count == 26 and len(second) == 1 and not second & first
    assert page(tab="pending", q="第7盏") == (1, {cases[7].tracking_no})
    assert page(tab="active") == (1, {cases[0].tracking_no})


def test_revealing_a_case_contact_is_in_the_residents_access_log(
    world, resident_client, client_for
):
    from residents.models import PersonalDataAccess

    resident_client.post(reverse("cases:report"), _report_data(world))
    case = Case.objects.get()

    client_for(world.manager).post(
        reverse("cases:reveal_contact", args=[case.pk]), HTTP_HX_REQUEST="true"
    )

    access = PersonalDataAccess.objects.get()
    assert (access.actor, access.resident, access.context, access.context_id) == (
        world.manager,
        world.R1,
        "case",
        case.pk,
    )
    assert (access.context_label, access.fields, access.actor_org) == (
        case.tracking_no,
        ["mobile"],
        "方圆物业",
    )


def test_revealing_the_contact_of_an_unregistered_caller_keeps_the_case(
    world, catalogue, client_for
):
    from cases.services import case_submit
    from catalog.models import Item
    from residents.models import PersonalDataAccess

    case = case_submit(
        item=Item.objects.get(code="RB01"),
        description="路过看到楼道堆满杂物",
        channel="phone",
        created_by=world.community,
        estate=world.E1,
        building=world.B1,
        contact_name="过路人",
        contact_mobile="13905329999",
    )

    revealed = client_for(world.community).post(
        reverse("cases:reveal_contact", args=[case.pk]), HTTP_HX_REQUEST="true"
    )

    assert "13905329999" in revealed.content.decode()
    access = PersonalDataAccess.objects.get()
    assert (access.resident, access.context, access.context_label) == (
        None,
        "case",
        case.tracking_no,
    )
