"""A return (退单) carries its reason: chosen on purpose, refused without one, shown to whoever
rules on it, and kept in the case's history."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cases import services
from cases.forms import ReturnForm
from cases.models import Case, CaseEvent, Status
from catalog.models import Item
from core.errors import ApplicationError

pytestmark = pytest.mark.django_db

EXPLAIN = "该处产权和管理责任不清，不属于物业服务范围，请社区研判"


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_return_form_preselects_no_reason_and_requires_one():
    with translation.override("zh-hans"):
        select = str(ReturnForm()["reason"])
        refused = ReturnForm({"version": "1", "reason": "", "text": EXPLAIN})
        refused_valid = refused.is_valid()

    options = re.findall(r"<option[^>]*>[^<]*</option>", select)
    assert options[0] == '<option value="" selected>请选择退单原因</option>'
    assert [_text(o) for o in options[1:]] == ["属地不符", "权属不清", "职能交叉"]
    assert refused_valid is False
    assert refused.errors == {"reason": ["请选择退单原因。"]}
    assert ReturnForm({"version": "1", "reason": "wrong_location", "text": ""}).is_valid()


def test_return_without_a_reason_is_refused_and_changes_nothing(world, report):
    case = report(now=timezone.now())

    with translation.override("zh-hans"), pytest.raises(ApplicationError) as refused:
        services.case_return(case=case, actor=world.manager, reason="", note=EXPLAIN)

    assert str(refused.value.message) == "请选择退单原因。"
    case = Case.objects.get(pk=case.pk)
    assert (case.status, case.version, case.return_count) == (Status.SUBMITTED, 1, 0)
    assert list(case.events.values_list("action", flat=True)) == ["submit"]


def test_return_keeps_its_reason_and_explanation_in_the_history(world, report):
    case = report(now=timezone.now())

    services.case_return(
        case=case, actor=world.manager, reason="ownership_unclear", note=f"  {EXPLAIN} "
    )

    event = CaseEvent.objects.get(case=case, action="return")
    assert (event.data, event.note, event.public) == (
        {"reason": "ownership_unclear"},
        EXPLAIN,
        False,
    )


def test_return_through_the_page_without_a_reason_is_refused(world, report, client_for):
    case = report(now=timezone.now())

    response = client_for(world.manager).post(
        reverse("cases:act", args=[case.pk, "return"]),
        {"version": case.version, "reason": "", "text": EXPLAIN},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 400
    assert "请选择退单原因。" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == Status.SUBMITTED


def test_the_back_office_sees_the_reason_beside_the_ruling_and_in_the_timeline(
    world, report, client_for
):
    case = report(now=timezone.now())
    services.case_return(case=case, actor=world.manager, reason="ownership_unclear", note=EXPLAIN)

    page = client_for(world.community).get(reverse("cases:detail", args=[case.pk])).content.decode()

    ruling = re.search(
        r'<details[^>]*>(?:(?!</details>).)*data-action="rule_return".*?</details>', page, re.S
    )
    beside = re.search(
        r'<p[^>]*data-return-reason="ownership_unclear"[^>]*>(.*?)</p>', ruling[0], re.S
    )
    returned = CaseEvent.objects.get(case=case, action="return")
    at = timezone.localtime(returned.at).strftime("%Y-%m-%d %H:%M")
    assert _text(beside[1]) == f"退单原因：权属不清 {EXPLAIN} 物业企业 · Wuye_Jingli · {at}"
    entry = re.search(r'<li[^>]*data-action="return"[^>]*>(.*?)</li>', page, re.S)
    assert f"<strong>已退单</strong>（权属不清）：{EXPLAIN}</div>" in entry[1]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_return_sent_on_the_page_is_read_by_the_back_office(desktop, world, catalogue):
    from cases.tests.test_browser import _sign_in_staff

    case = services.case_submit(
        item=Item.objects.get(code="RB01"),
        description="南门内公共区域堆放垃圾无人清理",
        channel="phone",
        created_by=world.grid_worker,
        resident=world.R1,
        estate=world.E1,
        building=world.B1,
    )

    # The property manager returns it: no reason is chosen for them.
    _sign_in_staff(desktop, "wuye_jingli")
    desktop.goto(f"/cases/{case.pk}/")
    desktop.locator("details:has(form[data-action=return]) summary").click()
    reason = desktop.locator("form[data-action=return] select[name=reason]")
    assert reason.evaluate("s => s.options[s.selectedIndex].text") == "请选择退单原因"
    reason.select_option(label="权属不清")
    desktop.locator("form[data-action=return] input[name=text]").fill(EXPLAIN)
    desktop.locator("form[data-action=return] button[type=submit]").click()
    desktop.locator('[data-status="returned"]').wait_for()

    # The community back office reads the reason where it rules, and in the timeline.
    _sign_in_staff(desktop, "shequ")
    desktop.goto(f"/cases/{case.pk}/")
    desktop.locator("details:has(form[data-action=rule_return]) summary").click()
    beside = desktop.locator("details:has(form[data-action=rule_return]) [data-return-reason]")
    assert beside.inner_text().splitlines()[:2] == ["退单原因：权属不清", EXPLAIN]
    entry = desktop.locator("li[data-action=return]")
    assert f"已退单（权属不清）：{EXPLAIN}" in entry.inner_text()
    desktop.shot("return-reason-for-the-ruling")
