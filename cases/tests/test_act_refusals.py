"""Every refusal of a staff action on the case page answers the htmx form that asked: a
fragment shown right after that form (never the whole case re-rendered as if nothing
happened), in the user's language, and the case is left as it was."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from cases.models import Case, Status
from cases.services import case_accept, case_return

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def _act(client, case, action, data, **extra):
    return client.post(reverse("cases:act", args=[case.pk, action]), data, **HX, **extra)


def _refusal(response) -> str:
    html = response.content.decode()
    assert html.lstrip().startswith('<div class="alert'), html[:200]
    assert 'role="alert"' in html
    assert (response.headers["HX-Retarget"], response.headers["HX-Reswap"]) == ("this", "afterend")
    return html


def _actions(case):
    return list(case.events.order_by("id").values_list("action", flat=True))


def test_stale_accept_says_who_changed_what_and_offers_a_reload(world, report, client_for):
    case = report()
    seen = case.events.get().pk
    case_accept(case=case, actor=world.manager, expected_version=case.version)

    response = _act(client_for(world.property_staff), case, "accept", {"version": 1, "seen": seen})

    assert response.status_code == 409
    html = _refusal(response)
    assert "该内容已被他人修改，请刷新后重试。" in html
    accepted = Case.objects.get().events.get(action="accept")
    at = timezone.localtime(accepted.at).strftime("%m-%d %H:%M")
    assert f'<li data-change="accept">{at} · Wuye_Jingli · 已受理（签收）</li>' in html
    assert f'href="{reverse("cases:detail", args=[case.pk])}"' in html and "重新载入" in html
    assert _actions(case) == ["submit", "accept"]


def test_stale_action_without_what_was_seen_still_offers_the_reload(world, report, client_for):
    case = report()
    case_accept(case=case, actor=world.manager, expected_version=case.version)

    html = _refusal(_act(client_for(world.property_staff), case, "accept", {"version": 1}))

    assert "该内容已被他人修改" in html and "data-change" not in html
    assert "重新载入" in html


def test_over_long_reply_is_refused_in_plain_chinese(world, report, client_for):
    case = report()

    response = _act(
        client_for(world.manager), case, "reply", {"version": case.version, "text": "漏" * 2001}
    )

    assert response.status_code == 400
    html = _refusal(response)
    assert "请修改后再提交：" in html
    assert "内容：最多 2000 字（现在 2001 字）。" in html
    assert _actions(case) == ["submit"]


def test_empty_whistle_names_both_missing_fields(world, report, client_for):
    case = report()

    response = _act(client_for(world.secretary), case, "whistle", {"version": case.version})

    assert response.status_code == 400
    html = _refusal(response)
    assert "吹哨单位：此项必填。" in html and "事由：此项必填。" in html
    assert _actions(case) == ["submit"]


def test_ruling_on_a_return_with_nobody_chosen_is_refused(world, report, client_for):
    case = report()
    case_return(case=case, actor=world.manager, reason="wrong_location")
    case.refresh_from_db()

    response = _act(client_for(world.secretary), case, "rule_return", {"version": case.version})

    assert response.status_code == 400
    assert "请选择一个单位或一家物业企业。" in _refusal(response)
    assert Case.objects.get().status == Status.RETURNED


def _accepted(world, report):
    case = report()
    case_accept(case=case, actor=world.manager, expected_version=case.version)
    return Case.objects.get(pk=case.pk)


def test_fake_photo_on_resolve_is_refused_and_the_case_stays_open(world, report, client_for):
    case = _accepted(world, report)
    fake = SimpleUploadedFile("done.jpg", b"this is not a picture", content_type="image/jpeg")

    response = _act(
        client_for(world.manager),
        case,
        "resolve",
        {"version": case.version, "text": "已更换水管", "photos": [fake]},
    )

    assert response.status_code == 400
    assert "“done.jpg”不是可识别的图片。" in _refusal(response)
    assert Case.objects.get().status == Status.ACCEPTED
    assert _actions(case) == ["submit", "accept"]


def test_over_size_photo_on_resolve_is_refused(world, report, client_for):
    case = _accepted(world, report)
    out = BytesIO()
    Image.new("RGB", (64, 64)).save(out, "JPEG")
    big = SimpleUploadedFile("big.jpg", out.getvalue() + b"\0" * (11 * 1024 * 1024))

    response = _act(
        client_for(world.manager),
        case,
        "resolve",
        {"version": case.version, "text": "已更换水管", "photos": [big]},
    )

    assert response.status_code == 400
    assert "“big.jpg”超过 10 MB。" in _refusal(response)
    assert Case.objects.get().status == Status.ACCEPTED


def test_supervision_due_in_the_past_is_refused(world, report, client_for):
    case = report()
    past = timezone.localtime() - timedelta(days=1)

    response = _act(
        client_for(world.secretary),
        case,
        "supervise",
        {"version": case.version, "due": past.strftime("%Y-%m-%dT%H:%M"), "text": "尽快处理"},
    )

    assert response.status_code == 400
    assert "督办期限须晚于当前时间。" in _refusal(response)
    assert Case.objects.get().supervise_due is None


def test_merge_into_a_missing_case_or_into_itself_is_refused(world, report, client_for):
    case = report()
    client = client_for(world.secretary)

    missing = _act(client, case, "merge", {"version": case.version, "into": "FC20260101-9999"})
    itself = _act(client, case, "merge", {"version": case.version, "into": case.tracking_no})

    assert missing.status_code == 404
    assert "您访问的页面或记录不存在，或不在您的辖区范围内。" in _refusal(missing)
    assert itself.status_code == 400
    assert "只能合并至其他未办结的诉求。" in _refusal(itself)
    assert Case.objects.get().status == Status.SUBMITTED


def test_refusal_speaks_english_to_an_english_user(world, report, client_for):
    case = report()
    client = client_for(world.manager)
    client.cookies["django_language"] = "en"

    html = _refusal(_act(client, case, "reply", {"version": case.version, "text": ""}))

    assert "Text: This field is required." in html


def test_refusal_without_htmx_returns_to_the_case_page_with_the_message(world, report, client_for):
    case = report()

    response = client_for(world.manager).post(
        reverse("cases:act", args=[case.pk, "reply"]),
        {"version": case.version, "text": "漏" * 2001},
        follow=True,
    )

    html = response.content.decode()
    assert response.redirect_chain == [(reverse("cases:detail", args=[case.pk]), 302)]
    assert "请修改后再提交： 内容：最多 2000 字（现在 2001 字）。" in html
