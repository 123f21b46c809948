"""Every resident page, in a phone's browser, in the usual and the elder mode, and the field
pages of technicians and grid workers, checked by axe-core (from npm, injected locally): no
serious or critical violation. The elder mode is also held to the enhanced contrast (7:1)."""

from pathlib import Path

import pytest

from cases.services import case_accept, case_resolve, case_submit
from catalog.models import Item
from core.testing import sign_in
from orgs.models import User

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

AXE = (Path(__file__).resolve().parents[2] / "node_modules/axe-core/axe.min.js").read_text()
PUBLIC = [
    "/",
    "/accounts/resident/",  # with 微信登录 (WeChat is configured in the test)
    "/services/",
    "/engagement/",
    "/privacy/",
    "/transparency/",
    "/offline/",
]
SIGNED_IN = [
    "/",
    "/cases/report/",
    "/cases/mine/",
    "/cases/mine/{case}/",  # resolved: the rating form
    "/cases/book/{service}/",
    "/cases/notifications/",
    "/residents/me/",
    "/engagement/mine/",
]


def _violations(page, *, elder: bool) -> list[str]:
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.evaluate(AXE)  # through the debugger, like a test tool: not subject to the page's CSP
    rules = {"color-contrast-enhanced": {"enabled": True}} if elder else {}
    result = page.evaluate(
        "rules => axe.run(document, {rules, resultTypes: ['violations']})", rules
    )
    return [
        f"{page.url} {v['id']} ({v['impact']}): {v['nodes'][0]['target']} {v['help']}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("elder", [False, True], ids=["usual", "elder"])
def test_resident_pages_have_no_serious_accessibility_violations(
    phone, live_server, world, catalogue, elder, settings
):
    settings.WECHAT_APP_ID, settings.WECHAT_APP_SECRET = "wx1", "s3cret"
    world.R1.user = User.objects.create(username="resident-r1", elder_mode=elder)
    world.R1.save()
    case = case_submit(
        item=Item.objects.get(code="RB06"),
        description="楼道里堆满了纸箱",
        channel="web",
        created_by=world.R1.user,
        resident=world.R1,
        estate=world.E1,
        building=world.B1,
    )
    case_accept(case=case, actor=world.manager)
    case_resolve(case=case, actor=world.manager, note="已清理")
    service = Item.objects.filter(kind=Item.Kind.SERVICE, is_active=True).order_by("code").first()
    found = []
    if not elder:
        phone.goto("/")  # the first visit, when the elder mode is offered
        assert phone.locator("[data-elder-offer]").is_visible()
        found += _violations(phone, elder=False)
    phone.context.add_cookies(
        [{"name": "hgj_elder", "value": "1" if elder else "0", "url": live_server.url}]
    )
    for path in PUBLIC:
        phone.goto(path)
        found += _violations(phone, elder=elder)
    sign_in(phone, live_server, world.R1.user)
    for path in SIGNED_IN:
        phone.goto(path.format(case=case.tracking_no, service=service.code))
        assert ("hgj-elder" in (phone.locator("html").get_attribute("class") or "")) == elder
        found += _violations(phone, elder=elder)

    assert not found, "\n".join(found)


FIELD = {
    "technician": ["/cases/jobs/", "/cases/{case}/"],
    "grid_worker": [
        "/",  # today's round, with a planned door knock
        "/cases/{case}/",
        "/engagement/visits/",
        "/engagement/visits/new/",
        "/engagement/visits/plan/",
        "/care/today/",
    ],
}


def test_field_pages_on_a_phone_have_no_serious_accessibility_violations(
    phone, live_server, world, report
):
    from django.utils import timezone

    from cases.services import case_assign
    from engagement.services import visit_plan

    case = report(now=timezone.now(), text="楼道灯坏了，晚上看不见")
    case_accept(case=case, actor=world.manager)
    case_assign(case=case, actor=world.manager, assignee=world.technician)
    visit_plan(actor=world.grid_worker, household=world.H1, due_on=timezone.localdate())
    found = []
    for who, paths in FIELD.items():
        sign_in(phone, live_server, getattr(world, who))
        for path in paths:
            assert phone.goto(path.format(case=case.pk)).ok, path
            found += _violations(phone, elder=False)

    assert not found, "\n".join(found)
