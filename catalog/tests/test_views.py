import pytest
from django.urls import reverse

from catalog.models import Item, SlaPolicy

pytestmark = pytest.mark.django_db


def test_public_page_shows_all_three_lists_without_sign_in(catalogue, client):
    response = client.get(reverse("catalog:public"))

    html = response.content.decode()
    assert response.status_code == 200
    for name in ("物业红管家服务清单", "公益服务清单", "便民服务清单"):
        assert name in html
    assert f'data-count="{Item.objects.filter(is_active=True).count()}"' in html
    assert "免费" in html and "¥" in html


def test_public_page_search_and_domain_filter(catalogue, client):
    leak = client.get(reverse("catalog:public"), {"q": "漏水"}).content.decode()
    green = client.get(reverse("catalog:public"), {"domain": "green"}).content.decode()

    leak_codes = set(Item.objects.filter(keywords__contains="漏水").values_list("code", flat=True))
    haircut = Item.objects.filter(name__contains="理发").first()
    assert leak_codes and all(f'data-promise="{code}"' in leak for code in leak_codes)
    assert f'data-promise="{haircut.code}"' not in leak
    green_codes = Item.objects.filter(domain__code="green").values_list("code", flat=True)
    other = Item.objects.exclude(domain__code="green").first()
    assert all(f'data-promise="{code}"' in green for code in green_codes)
    assert f'data-promise="{other.code}"' not in green


def test_public_page_htmx_returns_only_the_results(catalogue, client):
    response = client.get(
        reverse("catalog:public"), {"list": "public_welfare"}, HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results"')
    assert "公益服务清单" in html and "物业红管家服务清单" not in html


def test_public_page_ignores_unknown_filters(catalogue, client):
    response = client.get(reverse("catalog:public"), {"domain": "purple", "q": "x" * 500})

    assert response.status_code == 200
    html = response.content.decode()  # the whole catalogue, as with no filter
    assert f'data-count="{Item.objects.count()}"' in html
    assert html.count("data-promise=") == Item.objects.count()


def test_public_page_shows_the_promise_an_administrator_sets(catalogue, client, world):
    item = Item.objects.get(code="RB01")
    policy = SlaPolicy.objects.get(code="utilities")
    admin_client = client.__class__()
    admin_client.force_login(world.admin, backend="django.contrib.auth.backends.ModelBackend")
    change_url = reverse("admin:catalog_item_change", args=[item.pk])
    form = admin_client.get(change_url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(sla=policy.pk, is_active="on", fee="")

    response = admin_client.post(change_url, data)

    assert response.status_code == 302
    html = client.get(reverse("catalog:public"), {"q": item.code}).content.decode()
    assert 'data-promise="RB01">2 小时内响应，24 小时内办结<' in html


def test_admin_lists_the_clocks_in_plain_chinese(world, client_for):
    client = client_for(world.admin)
    ordinary = SlaPolicy.objects.get(code="ordinary")

    listing = client.get(reverse("admin:catalog_slapolicy_changelist")).content.decode()
    change = client.get(reverse("admin:catalog_slapolicy_change", args=[ordinary.pk]))

    assert "对居民的承诺" in listing and "2 个工作小时内响应，5 个工作日内办结" in listing
    assert "30 分钟内响应，2 小时内办结" in listing
    html = change.content.decode()
    assert (
        "只计节假日日历中工作日的办公时段（08:30–12:00、13:30–17:30，Asia/Shanghai 时区）" in html
    )
    assert "一个工作日为 450 分钟" in html
