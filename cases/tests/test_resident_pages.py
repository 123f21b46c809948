"""What a resident reads about their own case: the banner agrees with the status, the page
shows where and when, and the rating they gave."""

import pytest
from django.urls import reverse

from cases import services
from cases.models import Case
from cases.tests.test_views import _report_data

pytestmark = pytest.mark.django_db


def test_banner_after_reporting_agrees_with_the_status_badge(world, resident_client):
    html = resident_client.post(
        reverse("cases:report"), _report_data(world), follow=True
    ).content.decode()

    assert "已提交，您的诉求编号是" in html
    assert "已受理" not in html  # the badge says 待受理: nobody has accepted it yet
    assert 'data-status="submitted"' in html


def test_case_page_shows_where_the_problem_is(world, resident_client):
    resident_client.post(
        reverse("cases:report"), _report_data(world, location_text="厨房"), follow=True
    )
    case = Case.objects.get()

    html = resident_client.get(reverse("cases:mine_detail", args=[case.tracking_no])).content
    place = html.decode().split("data-place>")[1].split("</dd>")[0]

    assert place == "方城路小区 1号楼 1单元 101 厨房"


def test_rating_page_shows_the_rating_given_with_its_tags(world, resident_client):
    resident_client.post(reverse("cases:report"), _report_data(world))
    case = Case.objects.get()
    services.case_accept(case=case, actor=world.manager)
    services.case_resolve(case=case, actor=world.manager, note="已清理")

    resident_client.post(
        reverse("cases:mine_detail", args=[case.tracking_no]),
        {"rating": "basic", "tags": ["fast", "polite"], "comment": "还可以"},
    )

    html = resident_client.get(reverse("cases:mine_detail", args=[case.tracking_no]))
    rating = html.content.decode().split("data-my-rating>")[1].split("</div></div>")[0]
    assert (
        "基本满意" in rating and "处理及时" in rating and "态度好" in rating and "还可以" in rating
    )


def test_asking_to_handle_again_stands_apart_and_needs_dissatisfied(world, resident_client):
    resident_client.post(reverse("cases:report"), _report_data(world))
    case = Case.objects.get()
    services.case_accept(case=case, actor=world.manager)
    services.case_resolve(case=case, actor=world.manager, note="已清理")
    page = reverse("cases:mine_detail", args=[case.tracking_no])

    form = resident_client.get(page).content.decode()
    refused = resident_client.post(page, {"rating": "satisfied", "reopen": "on"}).content.decode()

    tags = form.split('name="tags"')[-1].split("</div>")[0]
    assert "重新办理" not in tags and "data-reopen-choice" in form
    assert "请选择“不满意”" in refused
    case.refresh_from_db()
    assert (case.status, case.rating) == ("resolved", "")
