"""The one redaction of free text for everything served without sign-in (Open311, the public
engagement pages and API): no names, phone or ID numbers, plates or links, and no place finer
than the building, nor who lives there.

Patterns catch numbers and addresses; the names the database knows (residents and staff) are
looked up in the text as it is scanned. Both err on the side of hiding: a word that looks
like a flat number or a name is replaced even when it was not one.
"""

import re
import threading
import time

from catalog.models import Item
from orgs.models import Building, Estate, OrgUnit, PropertyCompany, User
from residents.models import Resident

HIDDEN = "＊＊"
_NUMERAL = "[0-9０-９一二三四五六七八九十两]"
PATTERNS = [
    # Links (a client's media links among them) may point at anything.
    re.compile(r"https?://\S+"),
    # Vehicle plates: 鲁B·12345, 鲁BD12345.
    re.compile(
        "[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]"
        r"[A-Za-z][·•.\s]?[A-Za-z0-9]{5,6}"
    ),
    # ID numbers, mobile and landline numbers: any run of seven or more digits (spaces and
    # dashes inside a phone number included), with an 18th character X.
    re.compile(r"(?<![0-9])(?:\+?86[-\s]?)?[0-9](?:[-\s]?[0-9]){6,}[Xx]?(?![0-9])"),
    # Below the building: unit, floor, flat (2单元602, 6楼, 三层, 602室, 2-602, 9-2-602).
    re.compile(_NUMERAL + r"+\s*单元\s*[0-9０-９]*\s*(?:室|号|户)?"),
    re.compile(r"[0-9０-９]{2,4}\s*(?:室|号房|户)"),
    re.compile(r"(?<![0-9号#])" + _NUMERAL + r"+\s*[楼层](?![栋号道梯顶])"),
    re.compile(r"(?<![0-9])[0-9]{1,2}-(?:[0-9]{1,2}-)?[0-9]{3,4}(?![0-9])"),
    # Who lives there: family, living alone, age; a surname with a form of address.
    re.compile(
        "我(?:的)?(?:母亲|父亲|妈妈|爸爸|老妈|老爸|妈|爸|老伴|爱人|丈夫|妻子|老婆|老公|儿子|"
        "女儿|孩子|奶奶|爷爷|外婆|姥姥|外公|姥爷|婆婆|公公|岳母|岳父|家人|家)"
    ),
    re.compile("家里|家中|独居|孤寡|一个人住|一人居住|独自(?:一人)?(?:居住|生活)|空巢"),
    re.compile(_NUMERAL + r"+\s*多?\s*岁"),
    re.compile(
        "[王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
        "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛"
        "郝龚邵万钱严武戴孔汤][\u4e00-\u9fff]?(?:先生|女士|阿姨|大爷|大妈|大姐|大哥|老人|老太|"
        "老师|师傅|奶奶|爷爷)"
    ),
]
NAMES_SECONDS = 600  # names change rarely; a new resident's name is hidden within minutes


def public_text(text: str) -> str:
    """The text with everything personal replaced by a mark."""
    for pattern in PATTERNS:
        text = pattern.sub(HIDDEN, text)
    return _hide_names(text)


def _hide_names(text: str) -> str:
    names, longest = known_names()
    out, i = [], 0
    while i < len(text):
        for size in range(min(longest, len(text) - i), 1, -1):
            if text[i : i + size] in names:
                out.append(HIDDEN)
                i += size
                break
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


_names: tuple[float, frozenset[str], int] | None = None
_names_lock = threading.Lock()


def known_names() -> tuple[frozenset[str], int]:
    """The names of residents and staff, but not those that are part of a place's or an
    organisation's own name (a resident called 华城 must not hide 华城苑) or words of the
    published service lists (a resident called 胡子 must not hide 刮胡子)."""
    global _names
    with _names_lock:
        if _names is None or time.monotonic() - _names[0] > NAMES_SECONDS:
            places = "\n".join(
                [
                    *Estate.objects.values_list("name", flat=True),
                    *Building.objects.values_list("name", flat=True),
                    *OrgUnit.objects.values_list("name", flat=True),
                    *PropertyCompany.objects.values_list("name", flat=True),
                    *PropertyCompany.objects.values_list("short_name", flat=True),
                    *(
                        " ".join(words)
                        for words in Item.objects.values_list(
                            "name", "description", "keywords", "how_to_request"
                        )
                    ),
                ]
            )
            people = {
                *Resident.objects.values_list("name", flat=True),
                *User.objects.exclude(full_name="").values_list("full_name", flat=True),
            }
            names = frozenset(n for n in (p.strip() for p in people) if len(n) >= 2)
            names = frozenset(n for n in names if n not in places)
            _names = (time.monotonic(), names, max(map(len, names), default=0))
        return _names[1], _names[2]


def known_names_forget() -> None:
    global _names
    with _names_lock:
        _names = None
