"""Demo engagement for 方城路社区: venues, a fortnight of activities with sign-ups, a
deliberation topic followed to its actions, and door-knock visits.

Every write goes through `engagement.services` with `now=` at its moment, so counters, codes,
waitlists and timelines are real. Deterministic (fixed seed, times relative to `now`) and
idempotent: each part is skipped once it exists.

Needs the demo community (`seed_structure`, `seed_residents`). A visit is turned into a case
only once the case history exists (`seed_cases` refuses to run when any case exists, so this
seeder never creates the first one); rerun after `seed_cases` and it is filed then.
"""

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from cases.models import Case
from catalog.models import Domain, Item
from engagement import services
from engagement.models import (
    Activity,
    Attendance,
    Programme,
    Topic,
    Venue,
    Visit,
    VolunteerProfile,
)
from engagement.selectors import household_members
from orgs.models import Household, OrgUnit, User
from residents.demo import DEMO_RESIDENT_MOBILE
from residents.models import Resident

COMMUNITY = "方城路社区"

# name, capacity, opening hours, address
VENUES = [
    ("先锋驿站", 40, "周一至周日 8:30–20:30", "方城路小区 3号楼南侧"),
    ("幸福驿站", 30, "周一至周五 8:30–17:30", "华城苑 物业服务中心二楼"),
    ("赋能港湾", 60, "周一至周六 9:00–21:00", "方城路 18 号 社区党群服务中心"),
]

AFTER_SCHOOL = "“在城长”四点半课堂"
AFTER_SCHOOL_TEXT = (
    "为辖区商户和双职工家庭的孩子提供放学后的看护、作业辅导和兴趣活动，"
    "由党员志愿者和物业党支部轮流值守。"
)

# title, domain, venue, days ahead, start, minutes, places, volunteer places, organiser,
# audience, description
ACTIVITIES = [
    (
        "文艺送演进社区",
        "orange",
        2,
        3,
        "15:00",
        90,
        60,
        4,
        "社区党委、市北区文化馆",
        "全体居民",
        "戏曲、歌舞和快板，邻里同乐。",
    ),
    (
        "健康义诊",
        "blue",
        0,
        5,
        "09:00",
        180,
        40,
        3,
        "社区党委、市北区社区卫生服务中心",
        "60 岁以上老人优先",
        "测血压、血糖，中医问诊，慢病用药咨询。请带上医保卡和近期检查单。",
    ),
    (
        "亲子武术",
        "orange",
        2,
        6,
        "10:00",
        90,
        12,
        2,
        "红色合伙人 · 市北区武术协会",
        "5–12 岁儿童及家长",
        "基本功和五步拳，家长和孩子一起练。穿运动鞋。",
    ),
    (
        "城市书坊·阅伴童年",
        "gold",
        1,
        7,
        "14:30",
        90,
        25,
        2,
        "社区居委会、城市书坊",
        "6–10 岁儿童",
        "志愿者陪孩子读绘本、讲故事，借阅图书。",
    ),
    (
        "心理健康讲座",
        "blue",
        2,
        9,
        "19:00",
        90,
        50,
        0,
        "社区党委、青岛市心理咨询师协会",
        "全体居民",
        "情绪调适与家庭沟通，讲座后可预约一对一咨询。",
    ),
]

TOPIC_TITLE = "方城路小区3号楼前增设电动自行车集中充电棚"
TOPIC_TEXT = (
    "楼道里给电动自行车充电的越来越多，夜里飞线充电很危险。"
    "建议在3号楼前空地建一个带计量的集中充电棚，费用和管理办法大家商量。"
)

VISITS = [
    (9, "10:00", "老人独居，腿脚不便，希望有人定期上门看看；楼道灯坏了好几天。"),
    (6, "15:30", "反映楼上卫生间漏水，厨房天花板有水渍，希望尽快维修。"),
    (3, "09:30", "家中孩子放学后无人照看，想了解“在城长”四点半课堂怎么报名。"),
]
CASE_VISIT = 1  # this one is filed as a case (RB15) once the case history exists


def _at(day, hhmm: str) -> datetime:
    hour, minute = (int(p) for p in hhmm.split(":"))
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _resident_user(resident: Resident, now) -> User:
    """The account a resident gets on first sign-in (as `residents.services` creates it)."""
    if resident.user_id:
        return resident.user
    user = User.objects.filter(username=f"resident-{resident.pk}").first()
    if user is None:
        user = User(username=f"resident-{resident.pk}", full_name=resident.name)
        user.set_unusable_password()
        user.save()
    resident.user = user
    resident.consent_at = resident.consent_at or now
    resident.save(update_fields=["user", "consent_at"])
    return user


def _venues(community) -> tuple[list[Venue], int]:
    venues, created = [], 0
    for name, capacity, hours, address in VENUES:
        venue, new = Venue.objects.get_or_create(
            community=community,
            name=name,
            defaults={"capacity": capacity, "opening_hours": hours, "address": address},
        )
        venues.append(venue)
        created += new
    return venues, created


def _residents(community, rng: random.Random, *, volunteers) -> list[Resident]:
    """Adults of the community (not the volunteers) in a fixed order, the demo resident first."""
    here = Resident.objects.filter(ties__household__unit__building__estate__community=community)
    adults = list(
        here.filter(birth_date__year__lte=2004)
        .exclude(mobile=DEMO_RESIDENT_MOBILE)
        .exclude(pk__in=[v.pk for v in volunteers])
        .distinct()
        .order_by("id")[:400]
    )
    rng.shuffle(adults)
    demo = here.filter(mobile=DEMO_RESIDENT_MOBILE).first()
    return ([demo] if demo else []) + adults


def _next_school_day(day):
    day += timedelta(days=1)
    while not services.is_school_day(day):
        day += timedelta(days=1)
    return day


def _activities(*, venues, staff, community, residents, volunteers, now, rng) -> int:
    if Activity.objects.filter(venue__in=venues).exists():
        return 0
    today = timezone.localdate(now)
    created = 0
    # A past session of the after-school class, with check-ins and volunteer hours.
    past_day = today - timedelta(days=1)
    while not services.is_school_day(past_day):
        past_day -= timedelta(days=1)
    start = _at(past_day, "16:30")
    if start < now:
        (session,) = services.activity_create(
            actor=staff,
            title=AFTER_SCHOOL,
            organiser="社区党委、方圆物业党支部",
            organiser_unit=community,
            domain=Domain.objects.get(code="red"),
            venue=venues[0],
            starts_at=start,
            ends_at=start + timedelta(minutes=90),
            capacity=20,
            volunteer_capacity=3,
            audience="辖区商户子女（小学生）",
            description=AFTER_SCHOOL_TEXT,
            now=start - timedelta(days=3),
        )
        created += 1 + _run_past_session(session, staff, residents[1:9], volunteers[:2], rng)
    # The coming fortnight.
    first = _next_school_day(today)
    created += len(
        services.activity_create(
            actor=staff,
            title=AFTER_SCHOOL,
            organiser="社区党委、方圆物业党支部",
            organiser_unit=community,
            domain=Domain.objects.get(code="red"),
            venue=venues[0],
            starts_at=_at(first, "16:30"),
            ends_at=_at(first, "18:00"),
            capacity=20,
            volunteer_capacity=3,
            audience="辖区商户子女（小学生）",
            description=AFTER_SCHOOL_TEXT,
            repeat_days=2,
            weekdays_only=True,
            now=now,
        )
    )
    spec_rows = []
    for (
        title,
        domain,
        venue,
        ahead,
        hhmm,
        minutes,
        places,
        helpers,
        organiser,
        who,
        text,
    ) in ACTIVITIES:
        start = _at(today + timedelta(days=ahead), hhmm)
        (activity,) = services.activity_create(
            actor=staff,
            title=title,
            organiser=organiser,
            organiser_unit=community,
            domain=Domain.objects.get(code=domain),
            venue=venues[venue],
            starts_at=start,
            ends_at=start + timedelta(minutes=minutes),
            capacity=places,
            volunteer_capacity=helpers,
            audience=who,
            description=text,
            now=now,
        )
        spec_rows.append(activity)
        created += 1
    # Sign-ups: the martial-arts class fills up and has a waitlist.
    for activity, count in zip(spec_rows, [18, 22, 14, 9, 11], strict=True):
        for resident in residents[:count]:
            user = _resident_user(resident, now)
            services.signup_create(activity=activity, resident=resident, user=user, now=now)
            created += 1
        for volunteer in volunteers[: max(0, activity.volunteer_capacity - 1)]:
            user = _resident_user(volunteer, now)
            services.signup_create(
                activity=activity, resident=volunteer, user=user, as_volunteer=True, now=now
            )
            created += 1
    return created


def _run_past_session(session, staff, participants, helpers, rng) -> int:
    before = session.starts_at - timedelta(days=2)
    signups = []
    for resident in participants:
        user = _resident_user(resident, before)
        signups.append(
            services.signup_create(activity=session, resident=resident, user=user, now=before)
        )
    for helper in helpers:
        user = _resident_user(helper, before)
        signups.append(
            services.signup_create(
                activity=session, resident=helper, user=user, as_volunteer=True, now=before
            )
        )
    for n, signup in enumerate(signups):
        if signup.as_volunteer or rng.random() < 0.85:
            services.signup_check_in(
                signup=signup, actor=staff, now=session.starts_at + timedelta(minutes=n)
            )
    end = session.ends_at
    for signup in signups:
        if signup.as_volunteer:
            signup.refresh_from_db()
            services.signup_check_out(signup=signup, actor=staff, now=end + timedelta(minutes=5))
    first_helper = next(s for s in signups if s.as_volunteer)
    services.hours_report(
        signup=first_helper,
        user=first_helper.resident.user,
        hours=1,
        note="课前备课、整理教室",
        now=end + timedelta(hours=1),
    )
    services.hours_review(
        signup=first_helper, actor=staff, approve=True, now=end + timedelta(hours=20)
    )
    return len(signups)


def _volunteers(community, now) -> list[Resident]:
    """Party members of the community who show their identity and volunteer."""
    party = list(
        Resident.objects.filter(
            ties__household__unit__building__estate__community=community,
            tags__code="party_member",
        )
        .distinct()
        .order_by("id")[:5]
    )
    skills = ["辅导小学作业", "义诊志愿服务", "家电小修", "书法、读书会", "助老陪护"]
    for resident, skill in zip(party, skills, strict=False):
        _resident_user(resident, now)
        VolunteerProfile.objects.get_or_create(
            resident=resident,
            defaults={"skills": skill, "show_party_identity": True, "updated_at": now},
        )
    return party


def _topic(*, community, venues, secretary, residents, now) -> int:
    if Topic.objects.filter(community=community, title=TOPIC_TITLE).exists():
        return 0
    proposer = residents[0]
    start = now - timedelta(days=20)
    topic = services.topic_propose(
        user=_resident_user(proposer, start),
        title=TOPIC_TITLE,
        description=TOPIC_TEXT,
        community=community,
        now=start,
    )
    for n, resident in enumerate(residents[1:15], start=1):
        at = start + timedelta(hours=5 * n)
        services.topic_support(topic=topic, user=_resident_user(resident, at), now=at)
    meeting_at = timezone.make_aware(
        datetime.combine(timezone.localdate(now - timedelta(days=10)), time(19, 0))
    )
    services.meeting_schedule(
        topic=topic,
        actor=secretary,
        starts_at=meeting_at,
        venue=venues[2],
        agenda="一、居民代表介绍提议；二、物业介绍选址和费用测算；三、讨论收费和管理办法；四、表决。",
        now=meeting_at - timedelta(days=5),
    )
    services.meeting_record(
        topic=topic,
        actor=secretary,
        attendee_mobiles=[r.mobile for r in residents[:9]],
        other_attendees="方圆物业 王海涛\n社区党委 刘红梅\n第1网格 赵志强",
        minutes=(
            "到会居民代表9人。物业提出3号楼前绿化带东侧可建20个车位的充电棚，"
            "按度计费、每度0.8元。居民提出加装烟感和监控。"
            "表决：同意9票，反对0票。"
        ),
        now=meeting_at + timedelta(hours=2),
    )
    decided = meeting_at + timedelta(hours=2, minutes=10)
    services.topic_decide(
        topic=topic,
        actor=secretary,
        decision="adopted",
        note="同意建设集中充电棚，物业负责选址报价和安装，社区负责公示和验收。",
        now=decided,
    )
    site = services.action_add(
        topic=topic,
        actor=secretary,
        title="选址、报价并在小区公示",
        owner="方圆物业",
        deadline=timezone.localdate(decided) + timedelta(days=7),
        now=decided,
    )
    services.action_update(
        action=site,
        actor=secretary,
        progress="选址和报价已在小区公告栏公示7天，无异议。",
        done=True,
        now=now - timedelta(days=3),
    )
    install = services.action_add(
        topic=topic,
        actor=secretary,
        title="安装充电棚、烟感和监控，组织验收",
        owner="方圆物业、社区居委会",
        deadline=timezone.localdate(now) + timedelta(days=20),
        now=decided,
    )
    services.action_update(
        action=install,
        actor=secretary,
        progress="材料已到场，预计下周完成安装。",
        done=False,
        now=now - timedelta(days=1),
    )
    return 1


def _visits(*, grid_worker, now) -> int:
    households = list(
        Household.objects.filter(
            unit__building__microgrid__parent__memberships__user=grid_worker,
            ties__isnull=False,
        )
        .distinct()
        .order_by("id")[:40]
    )
    if not households or Visit.objects.filter(logged_by=grid_worker).exists():
        return 0
    created = 0
    for n, (ago, hhmm, heard) in enumerate(VISITS):
        services.visit_log(
            actor=grid_worker,
            household=households[n * 13 % len(households)],
            visited_at=_at(timezone.localdate(now) - timedelta(days=ago), hhmm),
            visitors=f"{grid_worker.full_name}、方圆物业党支部 陈静",
            heard=heard,
            now=now,
        )
        created += 1
    return created


def _file_case(*, grid_worker, now) -> None:
    item = Item.objects.filter(code="RB15", is_active=True).first()
    visit = (
        Visit.objects.filter(logged_by=grid_worker, heard=VISITS[CASE_VISIT][2], case=None)
        .select_related("household__unit__building__estate")
        .first()
    )
    if item and visit and Case.objects.exists():
        services.visit_to_case(
            visit=visit,
            actor=grid_worker,
            item=item,
            description="楼上卫生间漏水，本户厨房天花板渗水，需上门查看维修。",
            now=now,
        )


PROGRAMME_NAME = "在城长 四点半课堂（本学期）"
PROGRAMME_CHILDREN = 10
PROGRAMME_DAYS = 10  # school days of attendance already taken


def _programme(*, community, venue, staff, now, rng) -> int:
    """The after-school programme this term: children enrolled with their guardian's consent,
    the last fortnight of attendance, two absences (one followed up, one still open)."""
    if Programme.objects.filter(community=community).exists():
        return 0
    today = timezone.localdate(now)
    programme = services.programme_create(
        actor=staff,
        name=PROGRAMME_NAME,
        community=community,
        venue=venue,
        term_start=today - timedelta(days=70),
        term_end=today + timedelta(days=60),
        capacity=30,
        description=AFTER_SCHOOL_TEXT,
        now=now - timedelta(days=75),
    )
    here = Resident.objects.filter(ties__household__unit__building__estate__community=community)
    children = list(
        here.filter(birth_date__year__gte=2014, birth_date__year__lte=2020)
        .distinct()
        .order_by("id")[:60]
    )
    enrolments = []
    for child in children:
        guardian = (
            Resident.objects.filter(
                ties__household__ties__resident=child, birth_date__year__lte=1996
            )
            .exclude(pk=child.pk)
            .order_by("id")
            .first()
        )
        names = [r.name for r in household_members(guardian)] if guardian else []
        if guardian is None or names.count(child.name) != 1:
            continue
        enrolments.append(
            services.enrol_by_staff(
                actor=staff,
                programme=programme,
                guardian_mobile=guardian.mobile,
                child_name=child.name,
                now=now - timedelta(days=70),
            )
        )
        if len(enrolments) == PROGRAMME_CHILDREN:
            break
    days, day = [], today
    while len(days) < PROGRAMME_DAYS and day > programme.term_start:
        day -= timedelta(days=1)
        if services.is_school_day(day):
            days.append(day)
    absences = []
    for day in sorted(days):
        moment = _at(day, "16:45")
        for enrolment in enrolments:
            roll = rng.random()
            mark = "present" if roll < 0.9 else "leave" if roll < 0.97 else "absent"
            marked = services.attendance_mark(
                actor=staff, enrolment=enrolment, day=day, mark=mark, now=moment
            )
            if mark == "absent":
                absences.append(marked)
    if enrolments and days and len(absences) < 2:  # the demo needs one of each follow-up
        for enrolment in enrolments[:2]:
            absences.append(
                services.attendance_mark(
                    actor=staff,
                    enrolment=enrolment,
                    day=max(days),
                    mark="absent",
                    now=_at(max(days), "16:50"),
                )
            )
    for absence in absences[:-1]:
        services.absence_follow_up(
            actor=staff,
            attendance=absence,
            outcome="已电话联系家长：孩子身体不适在家休息",
            now=_at(absence.day, "18:00"),
        )
    return 1 + len(enrolments) + Attendance.objects.filter(enrolment__in=enrolments).count()


def seed_engagement(*, seed: int = 20261126, now: datetime | None = None) -> int:
    """Create the demo engagement; return how many records were created (0 on a rerun)."""
    now = now or timezone.now()
    community = OrgUnit.objects.filter(kind=OrgUnit.Kind.COMMUNITY, name=COMMUNITY).first()
    staff = {
        u.username: u for u in User.objects.filter(username__in=["shequ", "shuji", "wanggeyuan"])
    }
    if community is None or len(staff) < 3:
        return 0
    rng = random.Random(seed)
    with transaction.atomic():
        venues, created = _venues(community)
        volunteers = _volunteers(community, now)
        residents = _residents(community, rng, volunteers=volunteers)
        if len(residents) < 30:
            return created
        created += _activities(
            venues=venues,
            staff=staff["shequ"],
            community=community,
            residents=residents,
            volunteers=volunteers,
            now=now,
            rng=rng,
        )
        created += _topic(
            community=community,
            venues=venues,
            secretary=staff["shuji"],
            residents=residents,
            now=now,
        )
        created += _visits(grid_worker=staff["wanggeyuan"], now=now)
        created += _programme(
            community=community, venue=venues[0], staff=staff["shequ"], now=now, rng=rng
        )
        _file_case(grid_worker=staff["wanggeyuan"], now=now)
    return created
