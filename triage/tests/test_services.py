from datetime import timedelta

import pytest
from django.utils import timezone

from cases import services as case_services
from cases.models import CaseEvent
from cases.worker import deliver_outbox, fan_out_due
from catalog.models import Item
from core.testing import T0
from triage import selectors
from triage.corpus import PHRASES, read_labelled
from triage.models import ModelVersion, Suggestion
from triage.services import model_retrain_if_due, model_train, suggestion_record

pytestmark = pytest.mark.django_db


def codes(found):
    return [r.item.code for r in found.ranked]


def test_suggest_ranks_the_leak_item_first_as_an_emergency_led_by_the_company(world, trained):
    found = selectors.suggest(text="楼上漏水，水一直往下滴", estate=world.E1)

    assert codes(found)[0] == "RB15"
    assert len(found.ranked) == 3
    assert found.priority == "emergency"
    assert found.lead == "property_company"
    assert found.model == trained


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("电梯坏了，按键没反应", "RB17"),
        ("小区东门的垃圾桶满了，一直没人清运", "RB02"),
        ("樓道裡堆滿了紙箱雜物", "RB06"),  # traditional characters
        ("楼下有人遛狗不牵绳", "RB12"),
    ],
)
def test_suggest_ranks_crafted_texts(world, trained, text, code):
    assert code in codes(selectors.suggest(text=text, estate=world.E1))[:2]


def test_suggest_without_a_model_or_words_suggests_nothing(world, catalogue):
    assert selectors.suggest(text="楼上漏水", estate=world.E1).ranked == []


def test_a_staff_correction_becomes_weighted_training_data(world, trained, report):
    case = report(code="RB01", text="卫生间顶上一直往下渗水，墙皮都泡了")
    case_services.case_reclassify(
        case=case, actor=world.manager, item=Item.objects.get(code="RB15"), now=T0
    )

    data = selectors.training_data()
    rows = list(zip(data.texts, data.labels, data.weights, strict=True))
    assert ("卫生间顶上一直往下渗水，墙皮都泡了", "RB15", 3.0) in rows
    event = CaseEvent.objects.get(case=case, action="reclassify")
    assert event.data == {"from": "RB01", "to": "RB15"}
    case.refresh_from_db()
    assert (case.item.code, case.priority) == ("RB15", "emergency")


def test_retraining_activates_the_new_version_and_suggestions_record_it(world, trained, report):
    newer = model_train(reason="test")

    assert ModelVersion.objects.get(is_active=True) == newer
    assert newer.version == trained.version + 1
    case = report(code="RB01", text="楼上漏水，水一直往下滴")
    suggestion = suggestion_record(case=case, now=T0)
    assert suggestion.model == newer
    assert suggestion.top_item.code == "RB15"
    assert suggestion.filed_item.code == "RB01"
    assert not suggestion.accepted
    assert suggestion_record(case=case) == suggestion  # a retried submission: one record


def test_acceptance_figures_count_accepted_and_corrected(world, trained, report):
    leak = report(code="RB15", text="楼上漏水，水一直往下滴")
    wrong = report(code="RB01", text="电梯坏了，按键没反应", idempotency_key="k2")
    for case in (leak, wrong):
        suggestion_record(case=case, now=T0)
    case_services.case_reclassify(
        case=wrong, actor=world.manager, item=Item.objects.get(code="RB17"), now=T0
    )

    (row,) = selectors.acceptance_by_version()
    assert (row["total"], row["accepted"], row["corrected"]) == (2, 1, 1)


def test_the_worker_retrains_only_when_old_enough_and_new_cases_came(
    world, trained, report, settings
):
    settings.TRIAGE_RETRAIN_MIN_NEW = 2
    trained.created_at = T0 - timedelta(hours=1)
    trained.save()
    report(text="楼道里有很多纸箱")
    report(text="楼道里有很多杂物", idempotency_key="k2")

    assert model_retrain_if_due(now=T0) is None  # too young
    later = T0 + timedelta(days=1)
    newer = model_retrain_if_due(now=later)
    assert newer.version == trained.version + 1 and newer.reason == "schedule"
    assert newer.samples["cases"] == 2
    assert model_retrain_if_due(now=later + timedelta(days=1)) is None  # nothing new


def test_duplicates_same_building_found_other_estate_and_old_cases_not(world, catalogue, report):
    first = report(code="RB17", text="3号楼电梯坏了，停了两天没人修", now=T0)
    rb17 = Item.objects.get(code="RB17")
    probe = {"item": rb17, "text": "你好，3号楼电梯坏了停了两天了", "now": T0 + timedelta(hours=5)}

    found = selectors.duplicates_find(estate=world.E1, building=world.B1, **probe)
    assert [d.case for d in found] == [first]
    assert selectors.duplicates_find(estate=world.E2, building=world.B2, **probe) == []
    assert selectors.duplicates_find(estate=world.E1, **{**probe, "text": "楼道灯不亮"}) == []
    other_item = {**probe, "item": Item.objects.get(code="RB19")}
    assert selectors.duplicates_find(estate=world.E1, building=world.B1, **other_item) == []
    late = {**probe, "now": T0 + timedelta(days=30)}
    assert selectors.duplicates_find(estate=world.E1, building=world.B1, **late) == []


def test_duplicates_ignore_closed_and_merged_cases(world, catalogue, report):
    first = report(code="RB17", text="3号楼电梯坏了，停了两天没人修", now=T0)
    second = report(code="RB17", text="3号楼电梯坏了，停了两天", now=T0, idempotency_key="k2")
    case_services.case_merge(case=second, into=first, actor=world.secretary, now=T0)

    found = selectors.duplicates_find(
        item=first.item, estate=world.E1, building=world.B1, text="3号楼电梯坏了", now=T0
    )
    assert [d.case for d in found] == [first]


def test_every_new_case_records_its_suggestion_once_and_service_requests_none(
    world, trained, report
):
    leak = report(code="RB15", text="楼上漏水，水一直往下滴", idempotency_key="k1")
    again = report(code="RB15", text="楼上漏水，水一直往下滴", idempotency_key="k1")
    report(code="CV001", text="厨房下水道堵了，想约师傅上门", household=world.H1)

    assert again == leak
    assert Suggestion.objects.count() == 0  # the worker records it, not the request
    fan_out_due(now=timezone.now())
    deliver_outbox(now=timezone.now())
    fan_out_due(now=timezone.now())
    deliver_outbox(now=timezone.now())  # a second round finds nothing more to record
    suggestion = Suggestion.objects.get()
    assert (suggestion.case, suggestion.model, suggestion.created_at) == (leak, trained, T0)
    assert suggestion.accepted


def test_a_broken_model_never_fails_the_intake(world, catalogue, report, monkeypatch, caplog):
    monkeypatch.setattr(selectors, "_loaded", {})  # nothing cached from another test
    ModelVersion.objects.create(version=1, created_at=T0, is_active=True, blob=b"not a model")

    case = report(text="楼上漏水，水一直往下滴")
    fan_out_due(now=timezone.now())
    deliver_outbox(now=timezone.now())

    assert case.pk is not None and case.events.count() == 1
    assert Suggestion.objects.count() == 0
    assert f"triage suggestion failed for case {case.pk}" in caplog.text


def test_no_suggestion_is_recorded_without_a_model(world, catalogue, report):
    case = report(text="楼上漏水")
    assert suggestion_record(case=case) is None
    assert Suggestion.objects.count() == 0


def test_the_worker_trains_the_first_model_once_cases_come_in(world, catalogue, report, settings):
    from cases.worker import run_once

    settings.TRIAGE_RETRAIN_MIN_NEW = 1
    assert run_once(now=T0)["retrained"] == 0  # no case yet: nothing learnt from history
    report(text="楼道里有很多纸箱", now=T0)

    assert run_once(now=T0)["retrained"] == 1
    assert run_once(now=T0 + timedelta(minutes=1))["retrained"] == 0
    assert ModelVersion.objects.get(is_active=True).reason == "schedule"


def test_the_phrases_written_for_the_items_are_learned(world, catalogue):
    written = len(read_labelled(PHRASES)[0])
    with_phrases, without = selectors.training_data(), selectors.training_data(phrases=False)

    assert written > 26 * 30  # every appeal item has its own
    assert with_phrases.counts["phrases"] == written and without.counts["phrases"] == 0
    assert len(with_phrases.texts) == len(without.texts) + written


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("我家老人在2号楼的升降梯里出不来了，快来人", "RB16"),
        ("车棚里那排插座扫码没反应", "RB25"),
        ("楼下那辆破面包车三年没动过了", "RB26"),
        ("晚上过道黑漆漆的，灯泡坏了", "RB19"),
    ],
)
def test_residents_words_without_a_catalogue_keyword_find_their_item(world, trained, text, code):
    assert codes(selectors.suggest(text=text))[0] == code


def test_a_neighbour_who_says_it_in_other_words_finds_the_open_case(world, trained, report):
    now = timezone.now()
    first = report(code="RB16", text="电梯困人！3号楼电梯卡住了，里面有人", now=now)
    # Not one two-character word in common, and filed under the item the resident picked.
    probe = {
        "item": Item.objects.get(code="RB17"),
        "text": "我家老人在升降梯里出不来了，快来人",
        "now": now + timedelta(hours=1),
    }

    found = selectors.duplicates_find(estate=world.E1, building=world.B1, **probe)
    another_problem = selectors.duplicates_find(
        estate=world.E1, building=world.B1, **{**probe, "text": "晚上过道黑漆漆的，灯泡坏了"}
    )

    assert [d.case for d in found] == [first]
    assert another_problem == []
