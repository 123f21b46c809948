"""Demo residents: plausible names, mobiles, ID numbers, households and tags (fixed seed)."""

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from orgs.models import Household, User
from residents import rules
from residents.models import (
    HouseholdTie,
    Purpose,
    Resident,
    SeparateConsent,
    Tag,
    id_number_check_digit,
)

DEMO_RESIDENT_MOBILE = "13905320001"
DEMO_RESIDENT_NAME = "王秀兰"
TODAY = date(2026, 11, 1)  # ages are fixed so the demo is the same on every run

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严武戴孔汤"
)
GIVEN_F = "秀兰桂英玉梅淑芬丽华美玲晓燕静慧敏雪婷欣怡佳琪思雨红霞春燕海燕凤英金凤翠萍文娟秋菊"
GIVEN_M = "建国志强海涛伟明国庆德明俊杰浩然子轩宇航文博振华永刚立新家豪明辉成龙卫东玉林红军"
PREFIXES = [
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "176",
    "177",
    "178",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "198",
    "199",
]
HOUSEHOLD_SIZES = [(1, 14), (2, 26), (3, 30), (4, 20), (5, 10)]


class _People:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.mobiles = {DEMO_RESIDENT_MOBILE}
        self.ids: set[str] = set()

    def name(self, gender: str) -> str:
        pool = GIVEN_F if gender == "f" else GIVEN_M
        given = (
            self.rng.choice(pool)
            if self.rng.random() < 0.3
            else (self.rng.choice(pool) + self.rng.choice(pool))
        )
        return self.rng.choice(SURNAMES) + given

    def mobile(self) -> str:
        while True:
            number = self.rng.choice(PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.mobiles:
                self.mobiles.add(number)
                return number

    def id_number(self, birth: date, gender: str) -> str:
        # The 17th digit is odd for men, even for women; the order is unique per birth date.
        while True:
            order = self.rng.randrange(500) * 2 + (1 if gender == "m" else 0)
            first17 = f"370203{birth:%Y%m%d}{order:03d}"
            if first17 not in self.ids:
                self.ids.add(first17)
                return first17 + id_number_check_digit(first17)

    def person(self, age: int, gender: str | None = None) -> dict:
        gender = gender or self.rng.choice("fm")
        birth = TODAY - timedelta(days=age * 365 + self.rng.randrange(365))
        return {
            "name": self.name(gender),
            "gender": gender,
            "birth_date": birth,
            "mobile": self.mobile(),
            "id_number": self.id_number(birth, gender),
        }

    def household(self) -> list[tuple[dict, str]]:
        """Members of one household with their relation; the first is the owner or tenant."""
        rng = self.rng
        size = rng.choices([s for s, _ in HOUSEHOLD_SIZES], [w for _, w in HOUSEHOLD_SIZES])[0]
        head_age = rng.randint(62, 90) if size == 1 and rng.random() < 0.55 else rng.randint(26, 80)
        head_relation = "tenant" if rng.random() < 0.15 else "owner"
        members = [(self.person(head_age), head_relation)]
        if size >= 2:
            members.append((self.person(max(22, head_age + rng.randint(-5, 5))), "family"))
        for _ in range(size - 2):
            if head_age < 50:
                members.append((self.person(rng.randint(0, max(0, head_age - 24))), "family"))
            else:
                members.append((self.person(rng.randint(20, max(20, head_age - 22))), "family"))
        return members


def _age(birth: date) -> int:
    return (TODAY - birth).days // 365


def _tags_for(person: dict, size: int, rng: random.Random) -> list[str]:
    age = _age(person["birth_date"])
    tags = []
    if age >= 60:
        tags.append("elderly")
    if age >= 65 and size == 1:
        tags.append("elderly_alone")
    if age < 14:
        tags.append("child")
    if age >= 18:
        if rng.random() < 0.08:
            tags.append("party_member")
        if rng.random() < 0.05:
            tags.append("volunteer")
        if rng.random() < 0.015:
            tags.append("disability")
        if rng.random() < 0.01:
            tags.append("low_income")
        if person["gender"] == "m" and age >= 40 and rng.random() < 0.04:
            tags.append("veteran")
    return tags


@transaction.atomic
def seed_residents(*, seed: int = 20261126) -> int:
    """Fill every household that has nobody yet. Returns how many residents were created."""
    empty = list(
        Household.objects.filter(ties__isnull=True).order_by("id").values_list("id", flat=True)
    )
    if not empty:
        return 0
    people = _People(seed)
    people.mobiles |= set(Resident.objects.values_list("mobile", flat=True))
    people.ids |= {
        i[:17] for i in Resident.objects.exclude(id_number=None).values_list("id_number", flat=True)
    }
    now = timezone.now()
    residents, ties, tag_codes, guardians = [], [], [], []
    for household_id in empty:
        if random.Random(household_id).random() < 0.05:  # vacant, decided per household
            continue
        members = people.household()
        for person, relation in members:
            residents.append(Resident(**person, consent_at=None, created_at=now))
            ties.append((household_id, relation))
            tag_codes.append(_tags_for(person, len(members), people.rng))
            guardians.append(members[0][0]["name"] if _age(person["birth_date"]) < 14 else "")
    if not residents:
        return 0
    first = residents[0]
    if not Resident.objects.filter(mobile=DEMO_RESIDENT_MOBILE).exists():
        first.mobile, first.name, first.gender = DEMO_RESIDENT_MOBILE, DEMO_RESIDENT_NAME, "f"
        first.id_number = people.id_number(first.birth_date, "f")
    created = Resident.objects.bulk_create(residents, batch_size=2000)
    HouseholdTie.objects.bulk_create(
        [
            HouseholdTie(resident=r, household_id=h, relation=rel)
            for r, (h, rel) in zip(created, ties, strict=True)
        ],
        batch_size=2000,
    )
    tags = dict(Tag.objects.values_list("code", "id"))
    Through = Resident.tags.through
    Through.objects.bulk_create(
        [
            Through(resident_id=r.pk, tag_id=tags[code])
            for r, codes in zip(created, tag_codes, strict=True)
            for code in codes
        ],
        batch_size=5000,
    )
    _consents(created, tag_codes, guardians, now)
    _analyze()
    return len(created)


def _consents(created, tag_codes, guardians, now) -> None:
    """The separate consents behind the vulnerable-situation tags, as the community took them
    on paper when it registered the households (a child's from the head of the household)."""
    sensitive = set(Tag.objects.filter(is_sensitive=True).values_list("code", flat=True))
    recorder = User.objects.filter(username="shequ").first()
    SeparateConsent.objects.bulk_create(
        [
            SeparateConsent(
                resident_id=r.pk,
                purpose=Purpose.VULNERABILITY,
                rules_version=rules.CURRENT.version,
                given_by=SeparateConsent.GivenBy.GUARDIAN
                if guardian
                else SeparateConsent.GivenBy.SELF,
                guardian_name=guardian,
                given_at=now,
                recorded_by=recorder,
            )
            for r, codes, guardian in zip(created, tag_codes, guardians, strict=True)
            if sensitive.intersection(codes)
        ],
        batch_size=2000,
    )


def _analyze() -> None:
    """Fresh planner statistics after a bulk load, so PostgreSQL picks index plans at once."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
