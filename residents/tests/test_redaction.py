"""The one redaction of public text, on the words residents write."""

import pytest

from residents.redaction import HIDDEN as X
from residents.redaction import known_names_forget, public_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_names():
    known_names_forget()
    yield
    known_names_forget()


@pytest.mark.parametrize(
    ("written", "public"),
    [
        ("9号楼2单元602卫生间漏水", f"9号楼{X}卫生间漏水"),
        ("方城路9号楼2-602门口有垃圾", f"方城路9号楼{X}门口有垃圾"),
        ("三楼楼道灯坏了，16号楼的", f"{X}楼道灯坏了，16号楼的"),
        ("电话13905320001，座机0532-88886666", f"电话{X}，座机{X}"),
        ("身份证370203195001010013", f"身份证{X}"),
        ("鲁B·12345堵了消防通道", f"{X}堵了消防通道"),
        ("我母亲一个人住，八十多岁了", f"{X}{X}，{X}了"),
        ("王阿姨家门口堆满了杂物", f"{X}家门口堆满了杂物"),
        ("详见 https://example.com/p/1.jpg", f"详见 {X}"),
        ("1号楼电梯停了两天", "1号楼电梯停了两天"),
    ],
)
def test_public_text_hides_what_is_personal_and_keeps_the_building(world, written, public):
    assert public_text(written) == public


def test_names_the_database_knows_are_hidden_but_place_names_stay(world):
    from residents.models import Resident

    Resident.objects.create(name="华城", mobile="13905329990")  # also part of 华城苑

    text = "居民1反映华城苑1号楼门禁坏了，物业的Wuye_Jingli来看过"

    assert public_text(text) == f"{X}反映华城苑1号楼门禁坏了，物业的{X}来看过"
