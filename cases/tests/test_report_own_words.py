"""The resident reports in their own words: what happened first, the item left to triage when
it reads the words confidently, a short choice otherwise; their name and number filled in."""

import re

import pytest
from django.urls import reverse

from cases.models import Case
from cases.tests.test_views import _report_data
from triage.services import model_train

pytestmark = pytest.mark.django_db


@pytest.fixture
def model(catalogue):
    return model_train(reason="test")


def test_words_first_with_the_home_and_contact_filled_in_and_no_codes(world, resident_client):
    html = resident_client.get(reverse("cases:report")).content.decode()

    order = [html.index(f'name="{name}"') for name in ("description", "household", "item")]
    assert order == sorted(order)  # what happened, then where, then the item (optional)
    assert f'value="{world.H1.pk}" selected' in html  # their only home
    assert f'value="{world.R1.name}"' in html and f'value="{world.R1.mobile}"' in html
    items = html.split('name="item"')[1].split("</select>")[0]
    assert ">我不确定，根据描述判断<" in items and ">公共区域保洁<" in items
    assert not re.search(r">RB\d\d", items)  # the names people use, not the codes


def test_a_report_left_to_triage_is_filed_under_its_confident_suggestion(
    world, resident_client, model
):
    data = _report_data(world, item="", description="电梯困人了，我爸被关在2号楼电梯里出不来")

    response = resident_client.post(reverse("cases:report"), data)

    case = Case.objects.get()
    assert response.status_code == 302
    assert case.item.code == "RB16"  # 电梯困人


def test_words_triage_cannot_read_ask_the_resident_to_choose_and_file_nothing(
    world, resident_client, model
):
    data = _report_data(world, item="", description="那个东西又不行了，麻烦看看")

    html = resident_client.post(reverse("cases:report"), data).content.decode()

    assert Case.objects.count() == 0
    assert "无法从描述判断" in html
    assert "那个东西又不行了" in html  # the words are kept


def test_the_case_page_says_which_side_handles_it(world, resident_client):
    resident_client.post(reverse("cases:report"), _report_data(world))
    case = Case.objects.get()

    html = resident_client.get(reverse("cases:mine_detail", args=[case.tracking_no])).content

    assert "data-lead>物业企业</dd>" in html.decode()
