"""Reporting in one's own words on a phone, in a real browser: the item left to triage is
shown before submitting and the report filed under it; words triage cannot read come back
with a short choice, the words kept."""

import random

import pytest
from PIL import Image

from cases.models import Case
from core.testing import sign_in
from orgs.models import User
from triage.services import model_train

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_resident_reports_in_their_own_words_without_choosing_an_item(
    phone, live_server, world, catalogue
):
    model_train(reason="test")
    world.R1.user = User.objects.create(username="resident-r1")
    world.R1.save()
    sign_in(phone, live_server, world.R1.user)

    phone.goto("/cases/report/")
    assert phone.get_by_label("联系电话").input_value() == world.R1.mobile  # filled in
    phone.get_by_label("问题描述").press_sequentially("我爸被关在电梯里了，按铃没人应")
    phone.locator('[data-filed-as="RB16"]').wait_for()
    assert "电梯困人" in phone.locator("[data-filed-as]").inner_text()
    phone.shot("own-words-1-filed-as")
    phone.get_by_role("button", name="提交").click()
    phone.get_by_text("诉求编号").first.wait_for()
    assert Case.objects.get().item.code == "RB16"
    assert "方城路小区 1号楼 1单元 101" in phone.locator("[data-place]").inner_text()

    phone.goto("/cases/report/")
    phone.get_by_label("问题描述").fill("那个东西又不行了，麻烦看看")
    phone.get_by_role("button", name="提交").click()
    phone.get_by_text("无法从描述判断问题类别").wait_for()
    assert phone.get_by_label("问题描述").input_value() == "那个东西又不行了，麻烦看看"
    phone.locator("#triage-suggest [data-priority]").wait_for()  # read again at once
    assert Case.objects.count() == 1  # nothing filed
    phone.shot("own-words-2-choose")
    phone.get_by_label("问题类别").select_option("RB19")
    phone.get_by_role("button", name="提交").click()
    phone.get_by_text("诉求编号").first.wait_for()
    assert Case.objects.latest("pk").item.code == "RB19"


def test_a_phone_photo_is_shrunk_before_it_is_sent(phone, live_server, world, catalogue, tmp_path):
    # A phone camera's 12-megapixel picture, of a scene with detail (not one flat colour).
    path = tmp_path / "IMG_0001.jpg"
    Image.frombytes("RGB", (4000, 3000), random.Random(1).randbytes(4000 * 3000 * 3)).save(
        path, "JPEG", quality=92
    )
    world.R1.user = User.objects.create(username="resident-r1")
    world.R1.save()
    sign_in(phone, live_server, world.R1.user)

    phone.goto("/cases/report/")
    phone.get_by_label("问题描述").fill("楼道灯坏了，晚上一片黑")
    phone.get_by_label("问题类别").select_option("RB19")
    photos = phone.locator("input[name=photos][multiple]")
    photos.set_input_files(str(path))
    phone.wait_for_function(
        "input => !input.dataset.shrinking && input.files[0].name === 'IMG_0001.jpg' "
        "&& input.files[0].size < 1000000",
        arg=photos.element_handle(),
    )
    sent = photos.evaluate("input => input.files[0].size")
    phone.get_by_role("button", name="提交").click()
    phone.get_by_text("诉求编号").first.wait_for()

    photo = Case.objects.get().photos.get()
    assert path.stat().st_size > 5_000_000 and sent < 1_000_000  # megabytes down to KB
    assert max(photo.width, photo.height) == 1600 and (photo.width, photo.height) == (1600, 1200)


def test_a_public_spot_is_picked_estate_building_unit(phone, live_server, world, catalogue):
    from orgs.models import Building, Unit

    b10 = Building.objects.create(estate=world.E1, name="10号楼", microgrid=world.M1)
    for name in ("1单元", "2单元"):
        Unit.objects.create(building=b10, name=name)
    world.R1.user = User.objects.create(username="resident-r1")
    world.R1.save()
    sign_in(phone, live_server, world.R1.user)

    phone.goto("/cases/report/")
    phone.get_by_label("问题描述").fill("楼道的灯坏了好几天，晚上看不见台阶")
    phone.get_by_label("问题类别").select_option("RB19")
    phone.get_by_label("在我家").select_option(label="不在家中：公共区域")
    assert phone.get_by_label("哪个小区").input_value() == str(world.E1.pk)  # theirs, chosen
    assert phone.get_by_label("哪个单元").count() == 0
    phone.get_by_label("哪栋楼").select_option(label="10号楼")
    phone.get_by_label("哪个单元").select_option(label="2单元")  # waits for the redraw
    phone.shot("report-place-1-unit")
    phone.get_by_label("具体位置").fill("三楼")
    phone.get_by_role("button", name="提交").click()
    phone.get_by_text("诉求编号").first.wait_for()
    case = Case.objects.get()
    assert (case.building, case.household, case.location_text) == (b10, None, "2单元 三楼")
    assert "10号楼" in phone.locator("[data-place]").inner_text()
