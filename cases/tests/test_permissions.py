"""Who may do what to a case, whatever the caller: every service refuses an outsider or a role
without the permission before it writes anything, and the staff page offers an action exactly
when its service would accept it."""

import inspect
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import services
from cases.actions import ACTIONS, action_forms
from cases.models import (
    Case,
    CaseEvent,
    CasePhoto,
    Extension,
    Notification,
    OutboxMessage,
    Participant,
    Tally,
)
from cases.tests.test_views import _jpeg
from catalog.models import Item
from core.errors import ApplicationError, Forbidden, NotFound
from core.testing import make_user
from orgs.models import User
from orgs.roles import Role

pytestmark = pytest.mark.django_db

CASE_TABLES = [
    Case,
    CaseEvent,
    Participant,
    Extension,
    Notification,
    OutboxMessage,
    CasePhoto,
    Tally,
]


def _snapshot() -> dict:
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in CASE_TABLES}


def _case_in(state, world, report) -> Case:
    """A case of resident R1 (estate E1: micro-grid M1, company P1) in the given state."""
    if state == "photo_to_publish":  # the resident agreed to publish the photo
        return report(now=timezone.now(), photos=[_jpeg()], photos_public=True)
    case = report(now=timezone.now())
    if state == "submitted":
        return case
    if state == "returned":
        services.case_return(case=case, actor=world.manager, reason="ownership_unclear")
        return case
    if state == "merged":
        into = report(now=timezone.now(), text="楼道堆放杂物无法通行")
        services.case_merge(case=case, into=into, actor=world.secretary)
        return case
    if state == "assigned_to_partner":
        services.case_accept(case=case, actor=world.secretary)
        services.case_assign(case=case, actor=world.secretary, assignee=world.partner)
        return case
    services.case_accept(case=case, actor=world.manager)
    if state == "in_progress":
        services.case_first_response(case=case, actor=world.manager)
    elif state == "extension_pending":
        services.case_request_extension(
            case=case,
            actor=world.manager,
            reason="需要等待配件",
            new_due=case.resolution_due + timedelta(days=3),
        )
    elif state in ("resolved", "reopened", "closed"):
        services.case_resolve(case=case, actor=world.manager, note="已清理")
        if state == "reopened":
            services.case_reopen(case=case, user=world.resident_user, reason="又堆满了")
        elif state == "closed":
            services.case_close(case=case, actor=world.community)
    return case


# ---------------------------------------------------------------------------------------------
# 1. Refused before the first write


def _target(actor, world) -> dict:
    """Where the actor dispatches the case: an outsider to their own side (so that a scope
    check made after the write would count the participant just written), others to grid G1."""
    if actor == world.other_manager:
        return {"company": world.P2}
    if actor.username == "other-secretary":
        return {"org_unit": world.C2}
    return {"org_unit": world.G1}


# Each service that takes an actor: the state its case must be in, an in-scope persona who may
# and one who may not (every staff role may reply, note and correct the item: there, a person
# with no role), and the call, with inputs valid for whoever may.
SERVICES = {
    "accept": (
        "submitted",
        "manager",
        "subdistrict",
        lambda w, c, a: services.case_accept(case=c, actor=a),
    ),
    "first_response": (
        "accepted",
        "manager",
        "subdistrict",
        lambda w, c, a: services.case_first_response(case=c, actor=a, note="已联系"),
    ),
    "reply": (
        "submitted",
        "manager",
        "nobody",
        lambda w, c, a: services.case_reply(case=c, actor=a, text="师傅下午到"),
    ),
    "note": (
        "submitted",
        "manager",
        "nobody",
        lambda w, c, a: services.case_reply(case=c, actor=a, text="业主白天不在", public=False),
    ),
    "resident_reply": (
        "submitted",
        "resident_user",
        "manager",
        lambda w, c, a: services.case_resident_reply(case=c, user=a, text="还没人来"),
    ),
    "assign": (
        "accepted",
        "manager",
        "subdistrict",
        lambda w, c, a: services.case_assign(case=c, actor=a, assignee=w.technician),
    ),
    "transfer": (
        "submitted",
        "community",
        "subdistrict",
        lambda w, c, a: services.case_transfer(case=c, actor=a, note="转给我们", **_target(a, w)),
    ),
    "return": (
        "submitted",
        "manager",
        "subdistrict",
        lambda w, c, a: services.case_return(case=c, actor=a, reason="wrong_location"),
    ),
    "rule_return": (
        "returned",
        "community",
        "manager",
        lambda w, c, a: services.case_rule_return(case=c, actor=a, **_target(a, w)),
    ),
    "whistle": (
        "submitted",
        "secretary",
        "manager",
        lambda w, c, a: services.case_whistle(
            case=c, actor=a, units=[_target(a, w).get("org_unit", w.G3)], note="需要执法协助"
        ),
    ),
    "request_extension": (
        "accepted",
        "property_staff",
        "subdistrict",
        lambda w, c, a: services.case_request_extension(
            case=c, actor=a, reason="等配件", new_due=c.resolution_due + timedelta(days=2)
        ),
    ),
    "decide_extension": (
        "extension_pending",
        "community",
        "grid_worker",
        lambda w, c, a: services.case_decide_extension(
            extension=c.extensions.get(), actor=a, approve=True
        ),
    ),
    "supervise": (
        "submitted",
        "secretary",
        "community",
        lambda w, c, a: services.case_supervise(
            case=c, actor=a, due=timezone.now() + timedelta(days=1), note="请尽快办结"
        ),
    ),
    "resolve": (
        "accepted",
        "manager",
        "subdistrict",
        lambda w, c, a: services.case_resolve(case=c, actor=a, note="已清理"),
    ),
    "follow_up": (
        "resolved",
        "community",
        "manager",
        lambda w, c, a: services.case_follow_up(case=c, actor=a, solved=True),
    ),
    "merge": (
        "submitted",
        "community",
        "manager",
        lambda w, c, a: services.case_merge(
            case=c, into=Case.objects.exclude(pk=c.pk).get(), actor=a
        ),
    ),
    "reclassify": (
        "submitted",
        "manager",
        "nobody",
        lambda w, c, a: services.case_reclassify(
            case=c, actor=a, item=Item.objects.get(code="RB15")
        ),
    ),
    "close": (
        "resolved",
        "community",
        "manager",
        lambda w, c, a: services.case_close(case=c, actor=a),
    ),
    "photos_publish": (
        "photo_to_publish",
        "community",
        "manager",
        lambda w, c, a: services.case_photos_publish(case=c, actor=a),
    ),
    "reveal_contact": (
        "submitted",
        "manager",
        "technician",
        lambda w, c, a: services.case_reveal_contact(case=c, actor=a),
    ),
    "call_contact": (
        "in_progress",
        "manager",
        "property_staff",  # sees the case, but neither is assigned it nor may see the number
        lambda w, c, a: services.case_call_contact(case=c, actor=a),
    ),
    "rate": (
        "resolved",
        "resident_user",
        "manager",
        lambda w, c, a: services.case_rate(case=c, user=a, rating="satisfied"),
    ),
    "reopen": (
        "resolved",
        "manager",
        "subdistrict",
        lambda w, c, a: services.case_reopen(case=c, user=a, reason="又坏了"),
    ),
}
RESIDENT_SERVICES = {"resident_reply", "rate"}
ROUTING = {"rule_return", "whistle", "supervise", "follow_up", "merge", "close", "photos_publish"}


def test_every_service_that_takes_an_actor_is_tried():
    takes_an_actor = {
        name.removeprefix("case_")
        for name, function in vars(services).items()
        if name.startswith("case_")
        and getattr(function, "__module__", "").startswith(f"{services.__name__}.")
        and {"actor", "user"} & set(inspect.signature(function).parameters)
    }
    # A neighbour's "me too" and rating are tried in test_neighbours: their outsiders are
    # staff (refused as a role) and residents of other estates (as if the case did not exist).
    neighbours = {"join", "neighbour_rate"}
    assert takes_an_actor - {"actions_allowed"} - neighbours == set(SERVICES) - {"note"}


def _refuses_before_writing(call, expected):
    before = _snapshot()
    with CaptureQueriesContext(connection) as queries, pytest.raises(expected):
        call()
    writes = [
        q["sql"] for q in queries if q["sql"].lstrip().split()[0] in ("INSERT", "UPDATE", "DELETE")
    ]
    assert writes == []
    assert _snapshot() == before


@pytest.mark.parametrize("name", SERVICES)
def test_a_service_refuses_outsiders_and_roles_without_the_permission_before_writing(
    name, world, report
):
    state, may, may_not, call = SERVICES[name]
    case = _case_in(state, world, report)
    if name == "merge":
        report(now=timezone.now(), text="楼道堆放杂物无法通行")  # the case to merge into
    # A secretary of the other community holds every permission: only the scope refuses.
    other_secretary = make_user("other-secretary", role=Role.COMMUNITY_SECRETARY, org_unit=world.C2)
    other_resident = make_user("resident-r2")
    world.R2.user = other_resident
    world.R2.save()

    for outsider in (other_secretary, world.other_manager, other_resident):
        # A role without the permission is refused as such (that says nothing about the
        # case); one with it, as if the case did not exist. The resident's own actions are
        # refused to everyone else alike.
        lacks = (
            name in RESIDENT_SERVICES
            or outsider == other_resident
            or (outsider == world.other_manager and name in ROUTING)
        )
        fresh = Case.objects.get(pk=case.pk)
        _refuses_before_writing(
            lambda: call(world, fresh, outsider),  # noqa: B023
            Forbidden if lacks else NotFound,
        )
    fresh = Case.objects.get(pk=case.pk)
    _refuses_before_writing(lambda: call(world, fresh, getattr(world, may_not)), Forbidden)

    # Someone who may is accepted: the refusals were the person's, not the input's.
    events = case.events.count()
    call(world, Case.objects.get(pk=case.pk), getattr(world, may))
    assert case.events.count() == events + (2 if name == "follow_up" else 1)  # and closed


def test_an_outsider_cannot_transfer_a_case_to_itself(world, report):
    """The defect: the lead written before the scope check made the case visible to the
    outsider, who then passed the check."""
    case = report(now=timezone.now())

    with pytest.raises(NotFound):
        services.case_transfer(case=case, actor=world.other_manager, note="归我", company=world.P2)

    case.refresh_from_db()
    assert (case.lead_party, case.version) == ("property_company", 1)
    assert list(
        case.participants.order_by("pk").values_list("company_id", "org_unit_id", "role")
    ) == [
        (None, world.M1.pk, "co_handler"),
        (world.P1.pk, None, "lead"),
    ]


# ---------------------------------------------------------------------------------------------
# 2. The page offers an action exactly when its service accepts it

PERSONAS = [
    "subdistrict",
    "secretary",
    "community",
    "grid_worker",
    "microgrid_leader",
    "partner",
    "manager",
    "property_staff",
    "technician",
    "other_manager",
    "resident_user",
]
STATES = [
    "submitted",
    "accepted",
    "in_progress",
    "assigned_to_partner",
    "extension_pending",
    "returned",
    "resolved",
    "reopened",
    "closed",
    "merged",
    "photo_to_publish",
]


def _inputs(world, case, into) -> dict:
    """For each action on the page, what a person would enter: valid for someone who may."""
    now = timezone.now()
    v = {"version": case.version}
    pending = case.extensions.filter(state="pending").first()
    return {
        "accept": v,
        "first_response": {**v, "text": "已电话联系居民"},
        "reply": {**v, "text": "师傅下午到"},
        "note": {**v, "text": "业主白天不在家"},
        "assign": {**v, "assignee": world.technician},
        "transfer": {**v, "org_unit": world.G1, "company": None, "text": "转网格处理"},
        "return": {**v, "reason": "ownership_unclear", "text": "不属于物业服务范围"},
        "rule_return": {**v, "org_unit": world.G1, "company": None, "text": "由网格牵头"},
        "whistle": {**v, "units": [world.G3], "text": "需要执法协助"},
        "extension": {**v, "due": case.resolution_due + timedelta(days=2), "text": "等配件"},
        "decide_extension": {**v, "extension": pending.pk if pending else 0, "approve": True},
        "supervise": {**v, "due": now + timedelta(days=1), "text": "请尽快办结"},
        "resolve": {**v, "text": "已清理", "photos": []},
        "follow_up": {**v, "solved": True, "text": "居民确认已解决"},
        "reclassify": {**v, "item": Item.objects.get(code="RB15"), "text": ""},
        "merge": {**v, "into": into.tracking_no},
        "reopen": v,
        "close": {**v, "text": "已办结"},
        "publish_photos": v,
    }


def _accepts(spec, case_id, user, data) -> bool:
    """Whether the service takes the action (rolled back either way)."""
    try:
        with transaction.atomic():
            spec.run(case=Case.objects.get(pk=case_id), user=user, data=data)
            transaction.set_rollback(True)
    except ApplicationError:
        return False
    return True


@pytest.mark.parametrize("state", STATES)
def test_the_page_offers_an_action_exactly_when_the_service_accepts_it(state, world, report):
    into = report(now=timezone.now(), text="楼道堆放杂物无法通行")
    case = _case_in(state, world, report)
    inputs = _inputs(world, case, into)
    assert set(inputs) == set(ACTIONS)

    mismatches, accepted = [], 0
    for persona in PERSONAS:
        user = getattr(world, persona)
        offered = _offered(case, user)
        for name, spec in ACTIONS.items():
            accepts = _accepts(spec, case.pk, user, inputs[name])
            accepted += accepts
            if accepts != (name in offered):
                mismatches.append((persona, name, "offered" if name in offered else "hidden"))

    assert mismatches == []
    assert accepted > 0


def _offered(case, user) -> set[str]:
    return {name for name, _label, _form in action_forms(case=case, user=user)}


def test_the_back_office_and_the_subdistrict_reply_and_correct_the_item(world, report):
    case = report(now=timezone.now())

    assert _offered(case, world.subdistrict) == {
        "reply",
        "note",
        "whistle",
        "supervise",
        "reclassify",
        "merge",
    }
    assert _offered(case, world.community) == {
        "accept",
        "reply",
        "note",
        "transfer",
        "return",
        "whistle",
        "extension",
        "reclassify",
        "merge",
    }
    # A technician sees their jobs, not the company's inbox: nothing until the case is theirs,
    # or their company lets technicians see its open cases nobody is assigned to.
    assert _offered(case, world.technician) == set()
    world.P1.technicians_see_unassigned = True
    world.P1.save()
    technician = User.objects.get(pk=world.technician.pk)  # a fresh scope
    assert _offered(case, technician) == {
        "accept",
        "reply",
        "note",
        "transfer",
        "return",
        "extension",
        "reclassify",
    }
    assert _offered(case, world.partner) == set()  # partners see only what they are assigned
    assert _offered(case, world.other_manager) == set()


def test_an_extension_is_offered_for_a_decision_to_others_than_who_asked(world, report):
    case = _case_in("extension_pending", world, report)

    assert "decide_extension" not in _offered(case, world.manager)  # who asked
    assert "extension" not in _offered(case, world.manager)  # one request at a time
    assert "decide_extension" in _offered(case, world.community)
    with pytest.raises(Forbidden):
        services.case_decide_extension(
            extension=case.extensions.get(), actor=world.manager, approve=True
        )
