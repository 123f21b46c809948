"""Demo alliance for 方城路社区: two property companies, a social organisation (爱无限) acting
through the `hehuoren` account, two red partners; each with a signed agreement (a small PDF)
and pledged services from the catalogue; the activities they ran.

Everything goes through `alliance.services` as the community secretary. Idempotent: skipped
once any partner exists. Needs the structure, the catalogue and (for activities) engagement.
"""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from alliance import services
from alliance.models import Partner
from catalog.models import Item
from engagement.demo import AFTER_SCHOOL
from engagement.models import Activity
from orgs.models import OrgUnit, PropertyCompany, User

COMMUNITY = "方城路社区"

# kind, name (or company short name), party branch, secretary, members, contact, description,
# pledges [(item code, commitment, times a year)], activity titles
PARTNERS = [
    (
        "property_company",
        "方圆物业",
        "方圆物业党支部",
        "王海涛",
        9,
        ("王海涛", "0532-83801101"),
        "方城路小区物业服务企业，党员先锋岗进驻先锋驿站。",
        [
            ("RB01", "楼道每日清扫、扶手每周消毒两次", None),
            ("PW01", "党员员工每月探访独居老人", 24),
        ],
        [],
    ),
    (
        "property_company",
        "德润物业",
        "德润物业党支部",
        "郑丽华",
        6,
        ("郑丽华", "0532-83801202"),
        "华城苑物业服务企业。",
        [("RB01", "楼道每日清扫", None)],
        [],
    ),
    (
        "social_organisation",
        "爱无限社会工作服务中心",
        "爱无限党支部",
        "周慧敏",
        5,
        ("周慧敏", "13906390001"),
        "专业社工机构：独居老人关爱、“在城长”四点半课堂、亲子阅读。",
        [
            ("PW02", "为高龄独居老人每周送餐三次", 150),
            ("PW06", "工作日16:30–18:00看护辅导", 240),
            ("PW08", "每月两次亲子阅读", 24),
        ],
        [AFTER_SCHOOL, "城市书坊·阅伴童年"],
    ),
    (
        "red_partner",
        "市北区中医医院",
        "市北区中医医院第三党支部",
        "孙立平",
        23,
        ("孙立平", "0532-83802001"),
        "红色合伙人：每月进社区义诊，家庭医生签约。",
        [("PW11", "每月一次健康义诊", 12), ("PW13", "为65岁以上老人签约家庭医生", None)],
        ["健康义诊"],
    ),
    (
        "red_partner",
        "鸿德律师事务所",
        "鸿德律师事务所党支部",
        "高洁",
        7,
        ("高洁", "0532-83802002"),
        "红色合伙人：每周法律咨询，普法反诈宣传。",
        [("PW15", "每周四上午法律咨询", 50), ("PW18", "每季度一次普法反诈讲座", 4)],
        [],
    ),
]


def _pdf(title: str) -> bytes:
    text = title.encode("ascii", "ignore") or b"Agreement"
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
        b"% " + text + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def seed_alliance(*, now=None) -> int:
    """Create the demo alliance; return how many partners were created (0 on a rerun)."""
    now = now or timezone.now()
    community = OrgUnit.objects.filter(kind=OrgUnit.Kind.COMMUNITY, name=COMMUNITY).first()
    secretary = User.objects.filter(username="shuji").first()
    if community is None or secretary is None or Partner.objects.exists():
        return 0
    members = list(User.objects.filter(username="hehuoren"))
    with transaction.atomic():
        for spec in PARTNERS:
            _partner(spec, community=community, secretary=secretary, members=members, now=now)
    return Partner.objects.count()


def _partner(spec, *, community, secretary, members, now) -> None:
    """One partner of PARTNERS, its agreement, its pledges and the activities it ran."""
    kind, name, branch, sec, party, contact, text, pledges, titles = spec
    year = timezone.localdate(now).year
    company = None
    if kind == "property_company":
        company = PropertyCompany.objects.filter(short_name=name).first()
        if company is None:
            return
    partner = services.partner_create(
        actor=secretary,
        kind=kind,
        name="" if company else name,
        company=company,
        communities=[community],
        members=members if kind == "social_organisation" else [],
        joined_on=date(year - 1, 7, 1),
        party_branch=branch,
        branch_secretary=sec,
        party_members=party,
        contact_name=contact[0],
        contact_phone=contact[1],
        description=text,
    )
    agreement = services.agreement_create(
        actor=secretary,
        partner=partner,
        community=community,
        title=f"红色物业联盟共建协议（{partner.name}）",
        other_parties="开平路街道党工委",
        signed_on=date(year, 1, 10),
        starts_on=date(year, 1, 10),
        ends_on=date(year + 1, 1, 9),
        commitments="\n".join(commitment for _code, commitment, _n in pledges),
        upload=SimpleUploadedFile(f"{partner.name}共建协议.pdf", _pdf(f"Agreement {partner.pk}")),
        now=now,
    )
    for code, commitment, times in pledges:
        item = Item.objects.filter(code=code).first()
        if item:
            services.pledge_create(
                actor=secretary,
                partner=partner,
                item=item,
                commitment=commitment,
                times_per_year=times,
                agreement=agreement,
                now=now,
            )
    for activity in Activity.objects.filter(
        venue__community=community, title__in=titles
    ).select_related("venue"):
        services.activity_link(actor=secretary, partner=partner, activity=activity)
