"""The inbox reads a staff member's areas and companies apart from the cases they joined
later or were assigned; together, its tabs must count and list exactly the cases in scope."""

import pytest

from cases.models import Case
from cases.selectors import (
    TABS,
    InboxFilters,
    _tab_q,
    cases_in_scope,
    inbox,
    scope_parts,
    tab_counts,
)
from core.testing import DEMO_TODAY
from orgs.models import User

pytestmark = pytest.mark.django_db


def test_every_tab_counts_and_lists_the_cases_in_scope(demo):
    users = User.objects.filter(memberships__isnull=False).distinct().order_by("username")
    with_others = 0
    for user in users:
        _place, others = scope_parts(user)
        with_others += others is not None and Case.objects.filter(others).exists()
        counts = tab_counts(user=user, now=DEMO_TODAY)
        for tab in TABS:
            order = {"done": "-resolved_at", "all": "-created_at"}.get(tab, "resolution_due")
            expected = cases_in_scope(user=user).filter(_tab_q(tab, DEMO_TODAY))
            listed = inbox(user=user, filters=InboxFilters(tab=tab), now=DEMO_TODAY)
            assert list(listed.values_list("pk", flat=True)) == list(
                expected.order_by(order, "id").values_list("pk", flat=True)
            ), (user.username, tab)
            if tab not in ("done", "all"):  # the lists without a badge
                assert counts[tab] == expected.count(), (user.username, tab)
    assert with_others > 0  # someone sees cases outside their areas and companies
