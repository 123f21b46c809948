"""Every page keeps to its Content-Security-Policy (the app's own scripts and styles, nothing
inline, nothing from elsewhere): a real browser reports no violation on the busy pages."""

import pytest

from cases.services import case_submit
from catalog.models import Item
from core.testing import sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

COLLECT = (
    "window.__violations = [];"
    "document.addEventListener('securitypolicyviolation', e => window.__violations.push("
    "e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber));"
)


def test_pages_keep_to_the_policy(desktop, live_server, world, catalogue):
    case = case_submit(
        item=Item.objects.get(code="RB15"),
        description="楼上漏水",
        channel="phone",
        created_by=world.community,
        estate=world.E1,
        building=world.B1,
    )
    desktop.add_init_script(COLLECT)
    header = desktop.request.get("/services/").headers["content-security-policy"]
    assert "script-src 'self'" in header and "unsafe-inline" not in header

    seen = {}
    for user, paths in [
        (None, ["/services/", "/transparency/", "/engagement/"]),
        (world.manager, [f"/cases/{case.pk}/", "/cases/inbox/", "/insights/?period=12m"]),
        (world.admin, ["/admin/", "/admin/cases/case/"]),
    ]:
        if user is not None:
            sign_in(desktop, live_server, user)
        for path in paths:
            desktop.goto(path)
            desktop.wait_for_load_state("networkidle")  # htmx panels and charts included
            seen[path] = desktop.evaluate("window.__violations")

    assert seen == {path: [] for path in seen}
