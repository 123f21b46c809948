"""Cases another system sent: the number it knows them by, shown and searched, and a city
hotline's own time limits as the clocks that count (escalation included)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import worker
from cases.clocks import case_clocks_recompute
from cases.models import Action, Case
from cases.services import case_submit
from catalog.models import Item

pytestmark = pytest.mark.django_db


def _hotline_case(world, now, **given):
    return case_submit(
        item=Item.objects.get(code="RB19"),  # public lighting: 2 working hours, 5 working days
        description="9号楼楼道灯坏了一个月了",
        channel="hotline",
        created_by=world.admin,
        estate=world.E1,
        building=world.B1,
        now=now,
        external_no="2026120312345",
        **given,
    )


def test_a_hotline_s_time_limits_are_the_case_s_clocks_and_they_escalate(world, catalogue):
    now = timezone.now()
    sign_by, answer_by = now + timedelta(minutes=30), now + timedelta(hours=4)

    case = _hotline_case(world, now, response_due=sign_by, resolution_due=answer_by)

    stored = Case.objects.get(pk=case.pk)
    assert (stored.external_no, stored.response_due, stored.resolution_due) == (
        "2026120312345",
        sign_by,
        answer_by,
    )
    assert (stored.next_escalation_at, stored.deadlines_provisional) == (sign_by, False)
    assert worker.escalate_due(now=sign_by - timedelta(seconds=1)) == 0
    assert worker.escalate_due(now=sign_by + timedelta(seconds=1)) == 1
    stored.refresh_from_db()
    assert (stored.level, stored.owner_unit) == (1, world.G1)
    assert stored.events.filter(action=Action.ESCALATE).count() == 1


def test_only_the_time_limit_given_replaces_the_sla_s(world, catalogue):
    now = timezone.now()
    answer_by = now + timedelta(days=2)

    case = _hotline_case(world, now, resolution_due=answer_by)

    by_phone = case_submit(
        item=case.item,
        description="另一个路灯也坏了",
        channel="phone",
        created_by=world.community,
        estate=world.E1,
        now=now,
    )
    assert (case.resolution_due, case.response_due) == (answer_by, by_phone.response_due)
    assert case.next_escalation_at == by_phone.response_due


def test_replaying_the_timeline_keeps_the_hotline_s_clocks(world, catalogue):
    now = timezone.now()
    sign_by, answer_by = now + timedelta(hours=1), now + timedelta(days=3)
    case = _hotline_case(world, now, response_due=sign_by, resolution_due=answer_by)

    changed = case_clocks_recompute(case=case, now=now, reason="holiday_schedule")

    case.refresh_from_db()
    assert (changed, case.response_due, case.resolution_due) == (False, sign_by, answer_by)


def test_the_inbox_finds_a_case_by_its_external_number_and_shows_it(world, catalogue, client_for):
    case = _hotline_case(world, timezone.now())
    staff = client_for(world.community)

    found = staff.get("/cases/inbox/", {"tab": "all", "q": "2026120312345"}).content.decode()
    other = staff.get("/cases/inbox/", {"tab": "all", "q": "2026120399999"}).content.decode()

    assert f'data-case="{case.tracking_no}"' in found
    assert 'data-external-no="2026120312345"' in found
    assert 'data-count="0"' in other


def test_the_case_page_and_the_rest_api_show_the_external_number(world, catalogue, client_for):
    case = _hotline_case(world, timezone.now())
    staff = client_for(world.community)

    page = staff.get(f"/cases/{case.pk}/").content.decode()
    api = staff.get(f"/api/v1/cases/{case.tracking_no}").json()

    assert 'data-external-no="2026120312345"' in page
    assert "外部工单号：2026120312345" in page
    assert api["external_no"] == "2026120312345"


def _fields(case):
    skipped = {"id", "tracking_no"}
    return {
        f.attname: getattr(case, f.attname)
        for f in Case._meta.concrete_fields
        if f.attname not in skipped
    }


def test_filing_many_at_once_files_each_as_one_at_a_time_would(world, catalogue):
    """The bulk path of intake (a hotline's file): the same cases, sides, events,
    notifications and tallies as filing them one by one, numbered in order."""
    from cases.models import Notification, Participant, Tally
    from cases.services import case_submit_many
    from cases.tallies import tally_rebuild

    now = timezone.now()
    items = Item.objects.in_bulk(["RB19", "RB15", "RB06"], field_name="code")
    submissions = [
        {
            "item": items["RB19"],
            "description": "楼道灯坏了",
            "channel": "hotline",
            "created_by": world.admin,
            "estate": world.E1,
            "building": world.B1,
            "now": now,
            "external_no": "A1",
            "response_due": now + timedelta(hours=1),
        },
        {
            "item": items["RB15"],
            "description": "楼上漏水",
            "channel": "hotline",
            "created_by": world.admin,
            "estate": world.E2,
            "household": world.H2,
            "now": now,
            "external_no": "A2",
        },
        {
            "item": items["RB06"],
            "description": "楼道堆物",
            "channel": "connected",
            "created_by": world.admin,
            "estate": world.E1,
            "now": now,
            "contact_name": "孙女士",
        },
    ]

    singles = [case_submit(**s) for s in submissions]
    many = case_submit_many(submissions=submissions)

    day = f"{timezone.localdate(now):%Y%m%d}"
    assert [c.tracking_no for c in singles + many] == [f"FC{day}-{n:04d}" for n in range(1, 7)]
    for one, other in zip(singles, many, strict=True):
        other = Case.objects.get(pk=other.pk)
        assert _fields(Case.objects.get(pk=one.pk)) == _fields(other)
        sides = lambda c: sorted(  # noqa: E731
            c.participants.values_list("org_unit_id", "company_id", "role", "at_intake"), key=repr
        )
        assert sides(one) == sides(other)
        event = lambda c: c.events.values("action", "party", "data", "public", "actor").get()  # noqa: E731
        assert event(one) == event(other)
        assert (
            Notification.objects.filter(case=one).count()
            == Notification.objects.filter(case=other).count()
        )
    assert Participant.objects.count() == 12  # every estate here has its company
    columns = [f.attname for f in Tally._meta.concrete_fields if f.attname != "id"]
    kept = sorted(Tally.objects.values_list(*columns), key=repr)
    tally_rebuild()
    assert sorted(Tally.objects.values_list(*columns), key=repr) == kept
