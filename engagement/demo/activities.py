"""The demo's activities: a past session of the after-school class with check-ins and volunteer
hours, its coming fortnight, and five one-off activities with sign-ups (one with a waitlist)."""

from datetime import timedelta

from django.utils import timezone

from catalog.models import Domain
from engagement import services
from engagement.demo.common import AFTER_SCHOOL, AFTER_SCHOOL_TEXT, at, resident_user
from engagement.models import Activity

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
# How many residents sign up for each of ACTIVITIES: the martial-arts class fills up and has a
# waitlist.
SIGNUPS = [18, 22, 14, 9, 11]


def activities_seed(*, venues, staff, community, residents, volunteers, now, rng) -> int:
    if Activity.objects.filter(venue__in=venues).exists():
        return 0
    today = timezone.localdate(now)
    after_school = {
        "actor": staff,
        "title": AFTER_SCHOOL,
        "organiser": "社区党委、方圆物业党支部",
        "organiser_unit": community,
        "domain": Domain.objects.get(code="red"),
        "venue": venues[0],
        "capacity": 20,
        "volunteer_capacity": 3,
        "audience": "辖区商户子女（小学生）",
        "description": AFTER_SCHOOL_TEXT,
    }
    created = _past_session(after_school, residents, volunteers, now=now, rng=rng)
    # The coming fortnight.
    first = _next_school_day(today)
    created += len(
        services.activity_create(
            **after_school,
            starts_at=at(first, "16:30"),
            ends_at=at(first, "18:00"),
            repeat_days=2,
            weekdays_only=True,
            now=now,
        )
    )
    one_offs = _one_offs(venues=venues, staff=staff, community=community, today=today, now=now)
    created += len(one_offs)
    for activity, count in zip(one_offs, SIGNUPS, strict=True):
        created += _sign_up(activity, residents[:count], volunteers, now=now)
    return created


def _next_school_day(day):
    day += timedelta(days=1)
    while not services.is_school_day(day):
        day += timedelta(days=1)
    return day


def _past_session(after_school: dict, residents, volunteers, *, now, rng) -> int:
    """Yesterday's (or the last school day's) session of the after-school class, if over."""
    past_day = timezone.localdate(now) - timedelta(days=1)
    while not services.is_school_day(past_day):
        past_day -= timedelta(days=1)
    start = at(past_day, "16:30")
    if start >= now:
        return 0
    (session,) = services.activity_create(
        **after_school,
        starts_at=start,
        ends_at=start + timedelta(minutes=90),
        now=start - timedelta(days=3),
    )
    staff = after_school["actor"]
    return 1 + _run_past_session(session, staff, residents[1:9], volunteers[:2], rng)


def _one_offs(*, venues, staff, community, today, now) -> list[Activity]:
    activities = []
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
        start = at(today + timedelta(days=ahead), hhmm)
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
        activities.append(activity)
    return activities


def _sign_up(activity, residents, volunteers, *, now) -> int:
    """The residents sign up, then all the volunteers the activity wants but one."""
    for resident in residents:
        user = resident_user(resident, now)
        services.signup_create(activity=activity, resident=resident, user=user, now=now)
    helpers = volunteers[: max(0, activity.volunteer_capacity - 1)]
    for volunteer in helpers:
        user = resident_user(volunteer, now)
        services.signup_create(
            activity=activity, resident=volunteer, user=user, as_volunteer=True, now=now
        )
    return len(residents) + len(helpers)


def _run_past_session(session, staff, participants, helpers, rng) -> int:
    before = session.starts_at - timedelta(days=2)
    signups = []
    for resident in participants:
        user = resident_user(resident, before)
        signups.append(
            services.signup_create(activity=session, resident=resident, user=user, now=before)
        )
    for helper in helpers:
        user = resident_user(helper, before)
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
