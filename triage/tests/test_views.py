import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseEvent
from cases.worker import deliver_outbox, fan_out_due
from core.testing import T0
from triage.models import ModelVersion, Suggestion

pytestmark = pytest.mark.django_db


@pytest.fixture
def resident(world, report):
    return world.resident_user  # R1 of building B1, signed up by the `report` fixture


def test_report_form_asks_for_suggestions_as_the_resident_types(world, resident, client_for):
    html = client_for(resident).get(reverse("cases:report")).content.decode()

    assert 'hx-post="/triage/suggest/"' in html
    assert "keyup changed delay:400ms, input changed delay:400ms, " in html
    assert 'id="triage-suggest"' in html


def test_suggest_fragment_offers_items_priority_and_lead(world, resident, trained, client_for):
    response = client_for(resident).post(
        reverse("triage:suggest"),
        {"description": "楼上漏水，水一直往下滴", "household": world.H1.pk},
        HTTP_HX_REQUEST="true",
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-suggestion="RB15"' in html
    assert 'data-use="RB15"' in html
    assert 'data-priority="emergency"' in html
    assert 'data-lead="property_company"' in html


def test_suggest_warns_the_resident_of_an_open_case_at_the_same_building(
    world, resident, trained, report, client_for
):
    # Filed just now: duplicates are searched for around the clock of the page.
    first = report(code="RB17", text="1号楼电梯坏了，停了两天没人修", now=timezone.now())

    html = (
        client_for(resident)
        .post(
            reverse("triage:suggest"),
            {"description": "1号楼电梯坏了，停了两天", "item": "RB17", "household": world.H1.pk},
        )
        .content.decode()
    )

    assert f'data-duplicate="{first.tracking_no}"' in html
    assert "已经有人反映过了" in html
    # The neighbour's own words are personal: the resident sees the item and place only.
    assert "停了两天没人修" not in html


def test_suggest_ignores_a_place_outside_the_residents_homes(
    world, resident, trained, report, client_for
):
    report(code="RB17", text="2号楼电梯坏了，停了两天没人修", building=world.B1, now=timezone.now())
    html = (
        client_for(resident)
        .post(
            reverse("triage:suggest"),
            {"description": "电梯坏了，停了两天没人修", "item": "RB17", "building": world.B3.pk},
        )
        .content.decode()
    )
    assert "data-duplicate=" not in html


def test_pick_returns_the_item_field_with_the_suggestion_chosen(world, resident, client_for):
    html = client_for(resident).get(reverse("triage:pick"), {"item": "RB15"}).content.decode()

    assert 'name="item"' in html and 'id="id_item"' in html
    assert '<option value="RB15" selected>' in html


def test_filing_a_report_records_the_suggestion_of_the_active_model(
    world, resident, trained, client_for
):
    client_for(resident).post(
        reverse("cases:report"),
        {
            "item": "RB15",
            "description": "楼上漏水，水一直往下滴",
            "household": world.H1.pk,
            "idempotency_key": "k1",
        },
    )
    fan_out_due(now=timezone.now())
    deliver_outbox(now=timezone.now())

    suggestion = Suggestion.objects.get(case=Case.objects.get())
    assert suggestion.model == trained
    assert suggestion.accepted
    assert suggestion.ranked[0][0] == "RB15"


def test_staff_case_page_panel_suggests_a_correction_and_applies_it(
    world, trained, report, client_for
):
    case = report(code="RB01", text="电梯坏了，按键没反应", now=T0)
    client = client_for(world.manager)

    panel = client.get(reverse("triage:case_panel", args=[case.pk])).content.decode()
    assert "data-disagrees" in panel and 'data-suggestion="RB17"' in panel

    client.post(
        reverse("cases:act", args=[case.pk, "reclassify"]),
        {"version": case.version, "item": "RB17"},
        HTTP_HX_REQUEST="true",
    )
    case.refresh_from_db()
    assert case.item.code == "RB17"
    assert CaseEvent.objects.filter(case=case, action="reclassify", actor=world.manager).exists()


def test_staff_case_panel_offers_a_merge_into_the_similar_open_case(
    world, trained, report, client_for
):
    first = report(code="RB17", text="1号楼电梯坏了，停了两天没人修", now=T0)
    second = report(code="RB17", text="你好，1号楼电梯坏了停了两天", now=T0, idempotency_key="k2")

    panel = (
        client_for(world.secretary)
        .get(reverse("triage:case_panel", args=[second.pk]))
        .content.decode()
    )

    assert f'data-duplicate="{first.tracking_no}"' in panel
    assert f'name="into" value="{first.tracking_no}"' in panel


def test_case_panel_out_of_scope_is_missing(world, trained, report, client_for):
    case = report(code="RB17", text="电梯坏了", now=T0)
    response = client_for(world.other_manager).get(reverse("triage:case_panel", args=[case.pk]))
    assert response.status_code == 404
    assert "电梯坏了" not in response.content.decode()


def test_models_page_shows_versions_and_retrains(world, trained, client_for):
    client = client_for(world.secretary)
    html = client.get(reverse("triage:models")).content.decode()
    assert f"v{trained.version}" in html

    client.post(reverse("triage:models"))
    assert ModelVersion.objects.get(is_active=True).version == trained.version + 1


def test_models_page_is_missing_for_residents_and_handlers(world, resident, client_for):
    assert client_for(resident).get(reverse("triage:models")).status_code == 404
    assert client_for(world.technician).post(reverse("triage:models")).status_code == 404
    assert ModelVersion.objects.count() == 0
