"""Photos on a phone, in a real browser: a shot from the camera button joins the photos chosen,
and none of them is lost when the report comes back refused."""

import pytest
from PIL import Image

from cases.models import Case
from core.testing import photos_chosen, sign_in
from orgs.models import User

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _photos(tmp_path, *colours):
    paths = []
    for n, colour in enumerate(colours):
        path = tmp_path / f"IMG_{n}.jpg"
        Image.new("RGB", (640, 480), colour).save(path, "JPEG")
        paths.append(str(path))
    return paths


def test_photos_chosen_and_taken_survive_a_refusal_and_are_filed(
    phone, live_server, world, catalogue, tmp_path
):
    world.R1.user = User.objects.create(username="resident-r1")
    world.R1.save()
    sign_in(phone, live_server, world.R1.user)
    gallery, camera = _photos(tmp_path, "red", "green"), _photos(tmp_path / ".", "blue")[0]

    phone.goto("/cases/report/")
    phone.get_by_label("问题描述").fill("楼道灯坏了，晚上一片黑")
    phone.get_by_label("问题类别").select_option("RB19")
    phone.locator("#id_photos").set_input_files(gallery)
    phone.get_by_label("拍照").set_input_files(camera)
    photos = phone.locator("#id_photos")
    photos_chosen(photos, 3)
    phone.get_by_label("联系电话").fill("1390532")  # a digit or four short
    phone.get_by_role("button", name="提交").click()

    phone.get_by_text("请输入有效的中国大陆手机号码").wait_for()
    assert Case.objects.count() == 0  # nothing filed
    assert photos.evaluate("input => input.files.length") == 3  # still chosen
    assert phone.get_by_label("问题描述").input_value() == "楼道灯坏了，晚上一片黑"
    phone.shot("photos-kept-after-refusal")
    phone.get_by_label("联系电话").fill(world.R1.mobile)
    phone.get_by_role("button", name="提交").click()
    phone.get_by_text("诉求编号").first.wait_for()

    case = Case.objects.get()
    assert case.photos.count() == 3
    assert phone.url.endswith(f"/cases/mine/{case.tracking_no}/")


def test_a_file_that_is_no_photo_is_refused_in_the_form_and_nothing_is_filed(
    phone, live_server, world, catalogue, tmp_path
):
    world.R1.user = User.objects.create(username="resident-r1")
    world.R1.save()
    sign_in(phone, live_server, world.R1.user)
    fake = tmp_path / "IMG_9.jpg"
    fake.write_bytes(b"not a picture at all" * 100)

    phone.goto("/cases/report/")
    phone.get_by_label("问题描述").fill("楼道灯坏了，晚上一片黑")
    phone.get_by_label("问题类别").select_option("RB19")
    phone.locator("#id_photos").set_input_files(str(fake))
    phone.get_by_role("button", name="提交").click()

    phone.locator("#report-form .alert-danger").wait_for()
    assert "图片" in phone.locator("#report-form .alert-danger").inner_text()
    assert Case.objects.count() == 0
    assert phone.url.endswith("/cases/report/")  # the page stayed, the words with it
    assert phone.get_by_label("问题描述").input_value() == "楼道灯坏了，晚上一片黑"
