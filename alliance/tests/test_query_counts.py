"""The alliance lists make as many queries for three rows as for one (no query per row): the
partners, and a partner's pledged services and agreements."""

from datetime import date

import pytest
from django.urls import reverse

from alliance import services
from catalog.models import Item
from core.testing import page_queries

pytestmark = pytest.mark.django_db


def test_the_partner_list_makes_the_same_queries_for_three_partners_as_for_one(world, client_for):
    def join(name):
        return services.partner_create(
            actor=world.secretary,
            kind="social_organisation",
            name=name,
            communities=[world.C1],
            joined_on=date(2026, 3, 1),
            party_branch=f"{name}党支部",
        )

    client = client_for(world.secretary)
    partners = [join("爱无限")]
    _r, one = page_queries(client, reverse("alliance:list"))
    partners += [join("红帆社工"), join("邻里守望")]
    page, three = page_queries(client, reverse("alliance:list"))

    html = page.content.decode()
    assert [html.count(f'data-partner="{p.pk}"') for p in partners] == [1, 1, 1]
    assert len(three) == len(one), "\n".join(three)


def test_a_partners_pledges_and_agreements_make_the_same_queries_for_three_as_for_one(
    world, catalogue, client_for
):
    partner = services.partner_create(
        actor=world.secretary,
        kind="social_organisation",
        name="爱无限",
        communities=[world.C1],
        joined_on=date(2026, 3, 1),
    )
    items = iter(Item.objects.filter(kind=Item.Kind.SERVICE).order_by("code")[:3])

    def pledge_and_agree(n):
        agreement = services.agreement_create(
            actor=world.secretary,
            partner=partner,
            community=world.C1,
            title=f"共建协议第{n}号",
            signed_on=date(2026, n, 1),
            starts_on=date(2026, n, 1),
            ends_on=date(2027, n, 1),
            commitments="每月上门服务",
        )
        return services.pledge_create(
            actor=world.secretary,
            partner=partner,
            item=next(items),
            commitment="每月一次",
            agreement=agreement,
        )

    client = client_for(world.secretary)
    url = reverse("alliance:partner", args=[partner.pk])
    pledges = [pledge_and_agree(1)]
    _r, one = page_queries(client, url)
    pledges += [pledge_and_agree(2), pledge_and_agree(3)]
    page, three = page_queries(client, url)

    html = page.content.decode()
    assert [html.count(f'data-pledge="{p.item.code}"') for p in pledges] == [1, 1, 1]
    assert html.count("data-agreement=") == 3
    assert len(three) == len(one), "\n".join(three)
