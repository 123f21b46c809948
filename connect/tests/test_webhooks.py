"""Case-event webhooks for every integrator: the events of the cases in a subscription's scope
that it asked for, with a redacted public summary, signed, in order per case, and a delivery
log in the admin with replay."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from cases import services, worker
from cases.models import OutboxMessage
from catalog.models import Item
from connect.models import WebhookEvent, WebhookSubscription

pytestmark = pytest.mark.django_db
ADD_URL = "/admin/connect/webhooksubscription/add/"
LOG_URL = "/admin/connect/delivery/"


@pytest.fixture
def receiver(fake_hotline):
    """An integrator's receiver: a loopback server that checks our signatures."""
    return fake_hotline


def _webhook(receiver, **fields):
    webhook = WebhookSubscription.objects.create(
        name=fields.pop("name", "物业App"), url=receiver.url, **fields
    )
    receiver.keys[webhook.secret_id] = webhook.signing_secret
    return webhook


def test_the_admin_sets_up_a_webhook_for_a_community(world, client_for):
    response = client_for(world.admin).post(
        ADD_URL,
        {
            "name": "区级平台",
            "org_unit": world.C1.pk,
            "url": "https://grid.example.cn/hgj",
            "events": ["accepted", "resolved"],
            "is_active": "on",
        },
        follow=True,
    )

    webhook = WebhookSubscription.objects.get()
    assert (webhook.org_unit, webhook.events, webhook.system) == (
        world.C1,
        ["accepted", "resolved"],
        None,
    )
    assert response.status_code == 200
    change = client_for(world.admin).get(f"{ADD_URL[:-4]}{webhook.pk}/change/").content.decode()
    assert f"{webhook.secret_id} / {webhook.signing_secret}" in change  # the receiver needs it


def test_a_webhook_without_a_scope_or_events_is_refused(world, client_for):
    response = client_for(world.admin).post(
        ADD_URL, {"name": "x", "url": "https://a.example.cn", "events": []}
    )

    html = response.content.decode()
    assert "请选择一个对接系统，或者一个单位、一家物业企业。" in html
    assert html.count("此项必填。") == 1  # the events
    assert WebhookSubscription.objects.count() == 0


def test_each_event_of_the_scope_arrives_with_a_redacted_public_summary(world, report, receiver):
    webhook = _webhook(receiver, org_unit=world.C1, events=WebhookEvent.values)
    t0 = timezone.now()
    case = report(now=t0)
    services.case_accept(case=case, actor=world.manager, now=t0)
    services.case_reply(case=case, actor=world.manager, text="下午到", now=t0)  # not an event
    services.case_resolve(
        case=case,
        actor=world.manager,
        note="已联系居民1（13905320001），2单元602门口已清理",
        now=t0,
    )
    elsewhere = report(now=t0, estate=world.E3, building=world.B3)  # 武定路社区: not its scope

    worker.run_once(now=t0)

    at = timezone.localtime(t0).isoformat(timespec="seconds")
    common = {"tracking_no": case.tracking_no, "external_number": None, "at": at}
    events = {e.action: e.pk for e in case.events.all()}
    assert receiver.received == [
        common
        | {
            "event_id": events["submit"],
            "event": "submitted",
            "action": "submit",
            "status": "submitted",
            "summary": "公共区域保洁：已提交",
        },
        common
        | {
            "event_id": events["accept"],
            "event": "accepted",
            "action": "accept",
            "status": "accepted",
            "summary": "公共区域保洁：已受理（签收）",
        },
        common
        | {
            "event_id": events["resolve"],
            "event": "resolved",
            "action": "resolve",
            "status": "resolved",
            "summary": "公共区域保洁：已办结：已联系＊＊（＊＊），＊＊门口已清理",
        },
    ]
    assert elsewhere.tracking_no not in str(receiver.received)
    assert OutboxMessage.objects.filter(recipient=f"webhook:{webhook.pk}").count() == 3


def test_a_webhook_hears_only_the_events_it_asked_for(world, report, receiver):
    _webhook(receiver, company=world.P1, events=["resolved"])
    case = report()
    services.case_accept(case=case, actor=world.manager)
    services.case_resolve(case=case, actor=world.manager, note="已清理")

    worker.run_once(now=timezone.now())

    assert [m["event"] for m in receiver.received] == ["resolved"]


def test_a_connected_system_s_webhook_has_its_scope_its_key_and_the_external_number(
    world, fake_hotline, system, hotline_order
):
    webhook = WebhookSubscription.objects.create(
        name="热线事件", system=system, url=fake_hotline.url, events=["accepted"]
    )
    case = hotline_order()
    services.case_accept(case=case, actor=world.manager)

    worker.run_once(now=timezone.now())

    # The hotline's own answer (签收) and the webhook's event, both signed with its key.
    [event] = [m for m in fake_hotline.received if "event" in m]
    assert (event["event"], event["external_number"]) == ("accepted", "12345-20261125-0001")
    assert fake_hotline.refused == []
    assert webhook.key == (system.secret_id, system.signing_secret)


def test_a_sensitive_item_is_not_named_in_a_summary(world, report, receiver):
    Item.objects.filter(code="RB01").update(is_sensitive=True)
    _webhook(receiver, org_unit=world.C1, events=["resolved"])
    case = report()
    services.case_accept(case=case, actor=world.manager)
    services.case_resolve(case=case, actor=world.manager, note="已上门处理")

    worker.run_once(now=timezone.now())

    assert [m["summary"] for m in receiver.received] == ["已办结"]


def test_a_receiver_that_is_down_holds_back_only_its_own_deliveries(
    world, fake_hotline, system, hotline_order, report
):
    webhook = _webhook(fake_hotline, org_unit=world.C1, events=["accepted", "resolved"])
    webhook.url = "http://127.0.0.1:9/down"  # nothing listens on the discard port
    webhook.save()
    case = hotline_order()
    services.case_accept(case=case, actor=world.manager)
    services.case_resolve(case=case, actor=world.manager, note="已清理")

    worker.run_once(now=timezone.now())

    assert fake_hotline.of_order("12345-20261125-0001") == ["accepted", "resolved"]
    states = OutboxMessage.objects.filter(recipient=f"webhook:{webhook.pk}").order_by("pk")
    assert [(m.state, m.attempts) for m in states] == [("pending", 1), ("pending", 0)]


def test_the_delivery_log_shows_each_attempt_and_replays_a_delivery_as_it_was(
    world, report, receiver, client_for
):
    webhook = _webhook(receiver, org_unit=world.C1, events=["submitted"])
    t0 = timezone.now()
    case = report(now=t0)
    receiver.mode = "503"
    worker.run_once(now=t0)
    [message] = OutboxMessage.objects.filter(recipient=f"webhook:{webhook.pk}")
    admin = client_for(world.admin)

    log = admin.get(LOG_URL, {"recipient": f"webhook:{webhook.pk}"}).content.decode()
    row = re.search(r"<tr[^>]*>.*?</tr>", log.split("<tbody>", 1)[1], re.S).group(0)
    cells = [
        re.sub(r"<[^>]+>", "", c).strip()
        for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
    ]
    event_id = case.events.get(action="submit").pk
    assert cells[1:] == [
        str(message.pk),
        cells[2],  # created at, as the admin formats it
        "物业App",
        f"submitted · {case.tracking_no} · #{event_id}",
        "待处理",
        "1",
        cells[7],
        "-",
        "HTTP 503",
    ]

    receiver.mode = "up"
    worker.run_once(now=t0 + timedelta(minutes=1))
    admin.post(LOG_URL, {"action": "replay", "_selected_action": [message.pk]}, follow=True)
    worker.run_once(now=timezone.now() + timedelta(minutes=2))

    assert [m["event_id"] for m in receiver.received] == [event_id, event_id]
    assert [m["event_id"] for m in receiver.failed] == [event_id]
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("sent", 1)


def test_the_worker_s_escalations_reach_a_webhook_in_the_same_round(world, report, receiver):
    _webhook(receiver, org_unit=world.C1, events=["escalated"])
    t0 = timezone.now()
    case = report(now=t0)

    worker.run_once(now=case.next_escalation_at)

    [escalation] = case.events.filter(action="escalate")
    assert [(m["event_id"], m["event"], m["summary"]) for m in receiver.received] == [
        (escalation.pk, "escalated", "公共区域保洁：已升级")
    ]
