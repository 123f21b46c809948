"""Words a community worker reads in Chinese: each label names what it labels."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


def test_monthly_workbook_heads_each_sheet_with_what_it_lists(world, catalogue, client_for):
    response = client_for(world.secretary).get(
        reverse("insights:report"), {"month": "2026-11", "format": "xlsx"}
    )

    workbook = load_workbook(BytesIO(response.content))
    heads = [next(workbook[name].iter_rows(values_only=True))[0] for name in workbook.sheetnames]
    assert heads[1:4] == ["单位", "物业企业", "事项"]


def test_a_partner_organisation_has_a_name_not_a_persons_name(world, client_for):
    html = client_for(world.secretary).get(reverse("alliance:partner_new")).content.decode()

    assert '<label class="form-label" for="id_name">名称</label>' in html


def test_a_monthly_topic_has_a_responsible_person_not_a_homeowner(world, catalogue, client_for):
    from catalog.models import Item

    item = Item.objects.get(code="RB01")
    html = (
        client_for(world.secretary)
        .get(reverse("insights:topic_new") + f"?estate={world.E1.pk}&item={item.pk}")
        .content.decode()
    )

    assert ">负责人</label>" in html and "业主" not in html


def test_a_step_no_longer_possible_says_so_plainly(world, report, client_for):
    from cases import services

    case = report()
    services.case_accept(case=case, actor=world.manager)

    with pytest.raises(services.CaseStateError) as refused:
        services.case_accept(case=case, actor=world.property_staff)

    assert str(refused.value.message) == "这条诉求现在是“已受理”，不能再做这一步。"
