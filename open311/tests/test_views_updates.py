"""`servicerequestupdates` (mySociety's extension, as FixMyStreet's Open311 adapter calls it):
GET the public updates of the key's jurisdiction in a window; POST a resident's comment, which
becomes the resident's reply on the case's timeline, once per update id."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import Action, Case, CaseEvent, CasePhoto, Party
from catalog.models import Item
from core.testing import SH
from open311 import services
from open311.tests.conftest import BASE, json_doc, xml_doc

pytestmark = pytest.mark.django_db


def _w3c(moment) -> str:
    return moment.astimezone(SH).isoformat(timespec="seconds")


def _submit(world, *, estate, building, at, code="RB01", text="楼道堆满杂物", **extra):
    return case_services.case_submit(
        item=Item.objects.get(code=code),
        description=text,
        channel="web",
        created_by=world.admin,
        estate=estate,
        building=building,
        now=at,
        **extra,
    )


@pytest.fixture
def start():
    return timezone.now() - timedelta(hours=1)


@pytest.fixture
def handled(world, catalogue, start):
    """A request in 方城路小区 handled over an hour: accepted, answered in public (with a phone
    number in it), internal and community-only notes, resolved; the resident's own reply."""
    case = _submit(world, estate=world.E1, building=world.B1, at=start, resident=world.R1)
    moments = [start + timedelta(minutes=n) for n in range(1, 7)]
    case_services.case_accept(case=case, actor=world.manager, now=moments[0])
    case_services.case_reply(
        case=case, actor=world.manager, text="师傅下午上门，电话13905320001", now=moments[1]
    )
    case_services.case_reply(
        case=case, actor=world.manager, text="配件要订", public=False, now=moments[2]
    )
    case_services.case_reply(
        case=case, actor=world.secretary, text="老人独居", community_only=True, now=moments[3]
    )
    case_services.case_resident_reply(
        case=case, user=_resident_user(world), text="好的，谢谢", now=moments[4]
    )
    case_services.case_resolve(case=case, actor=world.manager, note="已清理干净", now=moments[5])
    case.moments = moments
    return case


def _resident_user(world):
    from orgs.models import User

    if world.R1.user_id is None:
        world.R1.user = User.objects.create(username="resident-r1")
        world.R1.save()
    return world.R1.user


def _event_id(case, action) -> str:
    return str(case.events.get(action=action).pk)


def test_get_lists_the_public_updates_of_the_jurisdiction_oldest_first(api, app, handled, world):
    elsewhere = _submit(world, estate=world.E3, building=world.B3, at=handled.moments[0])
    case_services.case_accept(case=elsewhere, actor=world.manager, now=handled.moments[1])
    no = handled.tracking_no

    response = api.get(
        f"{BASE}/servicerequestupdates.json",
        {
            "api_key": app.key,
            "jurisdiction_id": "fc",
            "start_date": _w3c(handled.moments[0]),
            "end_date": _w3c(timezone.now()),
        },
    )

    assert response.status_code == 200
    assert json_doc(response) == [
        {
            "update_id": _event_id(handled, Action.ACCEPT),
            "service_request_id": no,
            "status": "ACTION_SCHEDULED",
            "external_status_code": "accepted",
            "description": "Accepted (signed for)",
            "updated_datetime": _w3c(handled.moments[0]),
        },
        {
            "update_id": _event_id(handled, Action.REPLY),
            "service_request_id": no,
            "status": "ACTION_SCHEDULED",
            "external_status_code": "accepted",
            "description": "师傅下午上门，电话＊＊",
            "updated_datetime": _w3c(handled.moments[1]),
        },
        {
            "update_id": _event_id(handled, Action.RESOLVE),
            "service_request_id": no,
            "status": "FIXED",
            "external_status_code": "resolved",
            "description": "已清理干净",
            "updated_datetime": _w3c(handled.moments[5]),
        },
    ]


def test_get_in_xml_has_the_extensions_element_names(api, app, handled):
    response = api.get(f"{BASE}/servicerequestupdates.xml", {"api_key": app.key})

    root, updates = xml_doc(response)
    assert root == "service_requests_updates"
    assert [(u["update_id"], u["status"]) for u in updates] == [
        (_event_id(handled, Action.ACCEPT), "ACTION_SCHEDULED"),
        (_event_id(handled, Action.REPLY), "ACTION_SCHEDULED"),
        (_event_id(handled, Action.RESOLVE), "FIXED"),
    ]


def test_get_keeps_to_the_window(api, app, handled):
    response = api.get(
        f"{BASE}/servicerequestupdates.json",
        {
            "api_key": app.key,
            "start_date": _w3c(handled.moments[1]),
            "end_date": _w3c(handled.moments[4]),
        },
    )

    assert [u["update_id"] for u in json_doc(response)] == [_event_id(handled, Action.REPLY)]


def test_an_update_is_in_a_window_by_the_second_it_shows(api, app, world, catalogue, start):
    case = _submit(world, estate=world.E1, building=world.B1, at=start)
    at = (start + timedelta(minutes=1)).replace(microsecond=300_000)  # shown as …:ss
    case_services.case_accept(case=case, actor=world.manager, now=at)

    def listed(**window):
        response = api.get(f"{BASE}/servicerequestupdates.json", {"api_key": app.key, **window})
        return [u["updated_datetime"] for u in json_doc(response)]

    assert listed(start_date=_w3c(at), end_date=_w3c(at)) == [_w3c(at)]
    assert listed(end_date=_w3c(at - timedelta(seconds=1))) == []
    assert listed(start_date=_w3c(at + timedelta(seconds=1))) == []


def test_another_communitys_key_sees_only_its_own_updates(api, world, handled):
    _client, key = services.client_create(name="武定路 app", community=world.C2)
    elsewhere = _submit(world, estate=world.E3, building=world.B3, at=handled.moments[0])
    case_services.case_accept(case=elsewhere, actor=world.manager, now=handled.moments[1])

    response = api.get(f"{BASE}/servicerequestupdates.json", {"api_key": key})

    assert [(u["service_request_id"], u["status"]) for u in json_doc(response)] == [
        (elsewhere.tracking_no, "ACTION_SCHEDULED")
    ]


def test_a_sensitive_request_has_no_public_updates(api, app, world, catalogue, start):
    sensitive = Item.objects.filter(is_sensitive=True, kind=Item.Kind.APPEAL).first()
    case = _submit(world, estate=world.E1, building=world.B1, at=start, code=sensitive.code)
    case_services.case_accept(case=case, actor=world.manager, now=start + timedelta(minutes=1))

    response = api.get(f"{BASE}/servicerequestupdates.json", {"api_key": app.key})

    assert json_doc(response) == []


def test_the_approval_of_the_residents_photos_is_an_update_with_its_media_url(
    api, app, world, resident_client
):
    from cases.tests.test_views import _jpeg, _report_data

    resident_client.post(
        reverse("cases:report"),
        {
            **_report_data(world, item="RB06", description="楼道堆满纸箱"),
            "photos": [_jpeg()],
            "photos_public": "on",
        },
    )
    case = Case.objects.get()
    case_services.case_photos_publish(case=case, actor=world.secretary)
    photo = CasePhoto.objects.get()

    (update,) = json_doc(api.get(f"{BASE}/servicerequestupdates.json", {"api_key": app.key}))

    assert update == {
        "update_id": _event_id(case, Action.PUBLISH_PHOTOS),
        "service_request_id": case.tracking_no,
        "status": "OPEN",
        "external_status_code": "submitted",
        "description": "Photos approved for publication",
        "updated_datetime": _w3c(case.events.get(action=Action.PUBLISH_PHOTOS).at),
        "media_url": "http://testserver" + reverse("cases:public_photo", args=[photo.pk]),
    }


@pytest.mark.parametrize(
    ("params", "status", "messages"),
    [
        ({}, 403, ["api_key is missing."]),
        ({"api_key": "o311_wrong"}, 403, ["api_key is not valid."]),
        ({"api_key": "KEY", "jurisdiction_id": "wd"}, 404, ["Unknown jurisdiction_id."]),
        (
            {"api_key": "KEY", "start_date": "yesterday"},
            400,
            [
                "start_date must be a W3C date-time with a time zone, e.g. 2026-03-05T09:30:00+08:00."
            ],
        ),
        (
            {
                "api_key": "KEY",
                "start_date": "2026-01-01T00:00:00+08:00",
                "end_date": "2026-06-01T00:00:00+08:00",
            },
            400,
            ["The date range may span at most 90 days."],
        ),
    ],
)
def test_get_refusals_are_errors_documents(api, app, params, status, messages):
    params = {k: app.key if v == "KEY" else v for k, v in params.items()}

    response = api.get(f"{BASE}/servicerequestupdates.json", params)

    assert (response.status_code, json_doc(response)) == (
        status,
        [{"code": status, "description": m} for m in messages],
    )


def test_an_inactive_clients_key_is_refused(api, app):
    type(app).objects.filter(pk=app.pk).update(is_active=False)

    response = api.get(f"{BASE}/servicerequestupdates.xml", {"api_key": app.key})

    assert response.status_code == 403
    assert xml_doc(response) == (
        "errors",
        [{"code": "403", "description": "api_key is not valid."}],
    )


# ---------------------------------------------------------------------------------------------
# POST


def _post(api, app, case, fmt="json", **fields):
    data = {
        "api_key": app.key,
        "jurisdiction_id": "fc",
        "service_request_id": case.tracking_no,
        "service_code": case.item.code,
        "update_id": "4711",
        "updated_datetime": _w3c(timezone.now()),
        "status": "OPEN",
        "description": "还是有味道，麻烦再看看",
        "first_name": "秀兰",
        "last_name": "王",
        "email": "wang@example.com",
        **fields,
    }
    return api.post(f"{BASE}/servicerequestupdates.{fmt}", data)


def test_post_adds_the_residents_reply_and_answers_its_update_id(api, app, handled):
    response = _post(api, app, handled, fmt="xml")

    reply = CaseEvent.objects.get(case=handled, data__open311_update_id="4711")
    assert xml_doc(response) == ("service_requests_updates", [{"update_id": str(reply.pk)}])
    assert (reply.action, reply.party, reply.public, reply.note, reply.actor) == (
        Action.RESIDENT_REPLY,
        Party.RESIDENT,
        True,
        "还是有味道，麻烦再看看",
        app.user,
    )
    handled.refresh_from_db()
    assert (handled.status, handled.updated_at) == ("resolved", reply.at)


def test_post_again_with_the_same_update_id_adds_nothing(api, app, handled):
    first = json_doc(_post(api, app, handled))
    again = json_doc(_post(api, app, handled, description="重发的同一条"))
    other = json_doc(_post(api, app, handled, update_id="4712", description="第二条"))

    replies = handled.events.filter(action=Action.RESIDENT_REPLY, actor=app.user)
    assert first == again != other
    assert list(replies.values_list("note", flat=True)) == ["还是有味道，麻烦再看看", "第二条"]
    assert [first, other] == [[{"update_id": str(r.pk)}] for r in replies]


def test_a_posted_reply_is_not_listed_back_as_an_update(api, app, handled):
    _post(api, app, handled)

    listed = json_doc(api.get(f"{BASE}/servicerequestupdates.json", {"api_key": app.key}))

    assert [u["status"] for u in listed] == ["ACTION_SCHEDULED", "ACTION_SCHEDULED", "FIXED"]


def test_post_on_a_request_of_another_community_is_unknown(api, app, world, start):
    elsewhere = _submit(world, estate=world.E3, building=world.B3, at=start)

    response = _post(api, app, elsewhere)

    assert (response.status_code, json_doc(response)) == (
        404,
        [{"code": 404, "description": "Unknown service_request_id."}],
    )
    assert elsewhere.events.count() == 1


def test_post_on_a_closed_request_is_refused_and_changes_nothing(api, app, world, handled):
    case_services.case_close(case=handled, actor=world.secretary)

    response = _post(api, app, handled)

    assert (response.status_code, json_doc(response)) == (
        400,
        [
            {
                "code": 400,
                "description": "This case is now “Closed”: this step is no longer possible.",
            }
        ],
    )
    assert not handled.events.filter(action=Action.RESIDENT_REPLY, actor=app.user).exists()


def test_post_lists_every_problem_at_once(api, app, handled):
    response = _post(
        api, app, handled, service_request_id="", update_id="x" * 65, description="长" * 2001
    )

    assert (response.status_code, json_doc(response)) == (
        400,
        [
            {"code": 400, "description": "service_request_id is missing."},
            {"code": 400, "description": "update_id may have at most 64 characters."},
            {"code": 400, "description": "description may have at most 2000 characters."},
        ],
    )


def test_post_without_an_update_id_or_text_is_refused(api, app, handled):
    response = _post(api, app, handled, update_id="", description=" ")

    assert json_doc(response) == [
        {"code": 400, "description": "update_id is missing."},
        {"code": 400, "description": "description is missing."},
    ]


def test_post_with_a_wrong_key_is_refused(api, app, handled):
    response = _post(api, app, handled, api_key="o311_wrong")

    assert (response.status_code, json_doc(response)) == (
        403,
        [{"code": 403, "description": "api_key is not valid."}],
    )


def test_posts_are_rate_limited_per_client(api, world, handled):
    client, key = services.client_create(name="slow", community=world.C1, rate_limit_per_minute=2)
    client.key = key

    codes = [_post(api, client, handled, update_id=str(n)).status_code for n in range(3)]

    assert codes == [200, 200, 429]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_update_posted_at_once_is_added_once(world, catalogue, start):
    import threading

    from django.db import connections
    from django.test import Client

    client, key = services.client_create(name="FixMyStreet", community=world.C1)
    client.key = key
    case = _submit(world, estate=world.E1, building=world.B1, at=start)
    senders = 6
    barrier = threading.Barrier(senders)
    answers, errors = [], []

    def send():
        try:
            barrier.wait()
            answers.append(json_doc(_post(Client(), client, case)))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    (reply,) = case.events.filter(action=Action.RESIDENT_REPLY)
    assert errors == []
    assert answers == [[{"update_id": str(reply.pk)}]] * senders
