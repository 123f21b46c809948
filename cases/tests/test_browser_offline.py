"""A report written on a phone without a connection, in a real browser: kept on the phone and
said so, filed exactly once when the connection returns; and the installed app's pages."""

import pytest
from PIL import Image

from cases.models import Case
from core.testing import photos_chosen, sign_in
from orgs.models import User

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# How many posts are kept on the phone (static/js/offline.js).
LEFT = """new Promise((done) => { const open = indexedDB.open("hgj-waiting", 1);
  open.onsuccess = () => { const count = open.result.transaction("posts").objectStore("posts")
    .count(); count.onsuccess = () => done(count.result); }; })"""


def test_a_report_written_offline_is_filed_once_when_the_connection_returns(
    phone, live_server, world, catalogue, tmp_path
):
    world.R1.user = User.objects.create(username="resident-r1")
    world.R1.save()
    sign_in(phone, live_server, world.R1.user)
    shot = tmp_path / "leak.jpg"
    Image.new("RGB", (640, 480), "blue").save(shot, "JPEG")
    phone.goto("/cases/report/")
    phone.evaluate("navigator.serviceWorker.ready")  # installed: the shell is on the phone

    phone.context.set_offline(True)
    phone.get_by_label("问题描述").fill("地下车库漏水，地面积水很深")
    phone.get_by_label("问题类别").select_option("RB19")
    phone.locator("#id_photos").set_input_files(str(shot))
    photos_chosen(phone.locator("#id_photos"), 1)
    phone.get_by_role("button", name="提交").click()
    waiting = phone.locator("[data-waiting]")
    waiting.get_by_text("已保存在手机上").wait_for()
    assert "1 条" in waiting.inner_text()
    assert Case.objects.count() == 0
    assert phone.locator(".hgj-refusal").count() == 0  # kept, not refused
    phone.shot("offline-1-kept")

    phone.context.set_offline(False)
    waiting.get_by_text("已发送").wait_for()
    case = Case.objects.get()
    assert case.tracking_no in waiting.get_by_role("link", name="打开").get_attribute("href")
    assert case.description == "地下车库漏水，地面积水很深" and case.photos.count() == 1
    assert phone.evaluate(LEFT) == 0  # nothing is left on the phone to be sent again


def _resident(phone, live_server, world):
    world.R1.user = User.objects.create(username="resident-r1")
    world.R1.save()
    sign_in(phone, live_server, world.R1.user)
    phone.goto("/cases/report/")
    phone.evaluate("navigator.serviceWorker.ready")


def test_a_report_refused_when_it_is_sent_comes_back_as_a_draft_to_put_right(
    phone, live_server, world, catalogue, tmp_path
):
    shot = tmp_path / "thing.jpg"
    Image.new("RGB", (640, 480), "green").save(shot, "JPEG")
    _resident(phone, live_server, world)
    phone.context.set_offline(True)
    phone.get_by_label("问题描述").fill("那个东西又不行了，麻烦看看")  # triage cannot tell
    phone.locator("#id_photos").set_input_files(str(shot))
    photos_chosen(phone.locator("#id_photos"), 1)
    phone.get_by_role("button", name="提交").click()
    waiting = phone.locator("[data-waiting]")
    waiting.get_by_text("已保存在手机上").wait_for()

    phone.context.set_offline(False)
    waiting.get_by_text("未被接收").wait_for()
    assert Case.objects.count() == 0
    waiting.get_by_role("link", name="打开").click()
    phone.get_by_text("无法从描述判断问题类别").wait_for()  # what was wrong, said again
    assert phone.get_by_label("问题描述").input_value() == "那个东西又不行了，麻烦看看"
    assert phone.locator("#id_photos").evaluate("input => input.files.length") == 1
    assert phone.evaluate(LEFT) == 0  # the draft is in the form now, not on the phone
    phone.shot("offline-2-draft")
    phone.get_by_label("问题类别").select_option("RB19")
    phone.get_by_role("button", name="提交").click()
    phone.get_by_text("诉求编号").first.wait_for()
    case = Case.objects.get()
    assert case.description == "那个东西又不行了，麻烦看看" and case.photos.count() == 1


def test_signing_out_deletes_what_was_kept_on_a_shared_phone(phone, live_server, world, catalogue):
    _resident(phone, live_server, world)
    phone.route("**/cases/report/", lambda route: route.abort())  # the connection drops
    phone.get_by_label("问题描述").fill("地下车库漏水，地面积水很深")
    phone.get_by_label("问题类别").select_option("RB19")
    phone.get_by_role("button", name="提交").click()
    phone.locator("[data-waiting]").get_by_text("已保存在手机上").wait_for()
    assert phone.evaluate(LEFT) == 1

    phone.locator(".navbar-toggler").click()  # the menu, on a phone
    sign_out = phone.get_by_role("button", name="退出登录")
    sign_out.wait_for()
    with phone.expect_navigation(url=lambda url: "/cases/report/" not in url):
        sign_out.click()
    assert phone.evaluate(LEFT) == 0
    phone.unroute("**/cases/report/")
    sign_in(phone, live_server, world.R1.user)
    phone.goto("/cases/report/")
    phone.get_by_role("heading", name="我要报事").wait_for()
    assert phone.locator("[data-waiting]").is_hidden() and Case.objects.count() == 0


def test_a_page_opened_without_a_connection_is_the_offline_page_kept_on_the_phone(
    phone, live_server, world
):
    sign_in(phone, live_server, world.grid_worker)
    phone.goto("/")
    phone.evaluate("navigator.serviceWorker.ready")
    phone.reload()  # the service worker now serves this page's requests

    phone.context.set_offline(True)
    phone.goto("/cases/inbox/")
    phone.get_by_role("heading", name="无网络连接").wait_for()
    assert world.grid_worker.username not in phone.content()  # the same page for everybody
    phone.context.set_offline(False)
    phone.get_by_role("link", name="重试").click()
    phone.get_by_role("heading", name="今日任务").wait_for()


def test_a_door_knock_visit_logged_offline_is_logged_once_when_the_connection_returns(
    phone, live_server, world
):
    from engagement.models import Visit

    sign_in(phone, live_server, world.grid_worker)
    phone.goto("/engagement/visits/new/")
    phone.evaluate("navigator.serviceWorker.ready")

    phone.context.set_offline(True)
    phone.locator("select[name=building]").select_option(str(world.B1.pk))
    phone.locator("input[name=unit]").fill("1")
    phone.locator("input[name=number]").fill(world.H1.number)
    phone.locator("textarea[name=heard]").fill("老人说楼道灯坏了一周")
    phone.get_by_role("button", name="保存走访记录").click()
    waiting = phone.locator("[data-waiting]")
    waiting.get_by_text("已保存在手机上").wait_for()
    assert Visit.objects.count() == 0

    phone.context.set_offline(False)
    waiting.get_by_text("已发送").wait_for()
    visit = Visit.objects.get()
    assert visit.household == world.H1 and visit.heard == "老人说楼道灯坏了一周"
    assert f"/engagement/visits/{visit.pk}/" in waiting.get_by_role(
        "link", name="打开"
    ).get_attribute("href")


def test_a_care_visit_logged_offline_is_logged_once_when_the_connection_returns(
    phone, live_server, world
):
    from care.models import CareVisit
    from care.services import recipient_enroll
    from residents.models import Tag
    from residents.services import ConsentGiven

    world.R1.tags.add(Tag.objects.get(code="elderly_alone"))
    recipient = recipient_enroll(actor=world.grid_worker, resident=world.R1, consent=ConsentGiven())
    sign_in(phone, live_server, world.grid_worker)
    phone.goto(f"/care/recipients/{recipient.pk}/visit/")
    phone.evaluate("navigator.serviceWorker.ready")

    phone.context.set_offline(True)
    phone.get_by_label("状态良好").check()
    phone.get_by_label("走访发现").fill("血压正常，冰箱里有菜")
    phone.get_by_role("button", name="保存走访记录").click()
    waiting = phone.locator("[data-waiting]")
    waiting.get_by_text("已保存在手机上").wait_for()
    assert CareVisit.objects.count() == 0

    phone.context.set_offline(False)
    waiting.get_by_text("已发送").wait_for()
    visit = CareVisit.objects.get()
    assert (visit.wellbeing, visit.findings) == ("good", "血压正常，冰箱里有菜")
    assert visit.idempotency_key  # so that the phone sending it again logs no second one
