"""Demo care in 方城路第1网格 (the demo grid worker's grid): a dozen elderly residents living
alone, enrolled, assessed (some twice), with plans and a history of visits — some due today,
some overdue — a finding turned into a case, and the alerts the worker would raise.

Every write goes through `care.services` with `now=` at its moment. Deterministic (fixed seed,
times relative to `now`) and idempotent: skipped once anyone is in care. Needs the structure,
the residents and (for the partner on some plans) the demo alliance.
"""

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from alliance.models import Partner
from care import services
from care.models import CareRecipient
from care.questionnaire import QUESTION_CODES, VISIT_EVERY_DAYS
from care.selectors import local_today
from care.worker import alerts_due
from cases.models import Case
from catalog.models import Item
from orgs.models import StaffMembership, User
from orgs.roles import Role
from residents.models import Resident
from residents.services import ConsentGiven

COUNT = 12
# The answers' shape per recipient: how many questions score 1, which score 2.
PROFILES = [
    ("high", {"memory": 2}),
    ("high", {"daily_living": 2, "family": 2}),
    ("high", {"mobility": 2}),
    ("medium", {"illness": 1, "falls": 1, "contact": 1, "family": 1, "income": 1}),
    ("medium", {"illness": 2, "falls": 1, "mood": 1, "income": 1}),
    ("medium", {"illness": 1, "contact": 2, "family": 2}),
    ("medium", {"mobility": 1, "illness": 1, "falls": 1, "home_safety": 2}),
    ("medium", {"mood": 1, "contact": 1, "family": 1, "income": 1, "home_safety": 1}),
    ("low", {"illness": 1}),
    ("low", {"illness": 1, "contact": 1}),
    ("low", {}),
    ("low", {"income": 2}),
]
# When the last visit was, relative to the plan's interval: overdue, due today, not yet due.
SCHEDULE = [
    "overdue",
    "today",
    "later",
    "today",
    "overdue",
    "later",
    "later",
    "today",
    "overdue",
    "later",
    "later",
    "today",
]
FINDINGS = {
    "good": ["精神不错，按时吃药，冰箱里有菜。", "在楼下和邻居聊天，身体还好。"],
    "fair": ["最近腿疼，下楼困难，需要有人帮忙买菜。", "说晚上睡不好，有些孤单。"],
    "poor": ["楼道灯坏了，老人晚上不敢出门，差点摔倒。", "血压偏高，药快吃完了，子女在外地。"],
}
CASE_FINDING = FINDINGS["poor"][0]
# What the property company reads of it: the fault and the place, not the person's health.
CASE_DESCRIPTION = "本单元楼道灯不亮，晚上看不清台阶，需要维修。"


def _at(day, hour=10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _answers(extra: dict) -> dict:
    return {code: 0 for code in QUESTION_CODES} | extra


def seed_care(*, seed: int = 20261126, now: datetime | None = None) -> int:
    """Create the demo care records; return how many people were enrolled (0 on a rerun)."""
    now = now or timezone.now()
    if CareRecipient.objects.exists():
        return 0
    membership = (
        StaffMembership.objects.filter(user__username="wanggeyuan", role=Role.GRID_WORKER)
        .select_related("user", "org_unit")
        .first()
    )
    if membership is None:
        return 0
    worker, grid = membership.user, membership.org_unit
    secretary = User.objects.filter(username="shuji").first() or worker
    residents = list(
        Resident.objects.filter(
            tags__code="elderly_alone", ties__household__unit__building__microgrid__parent=grid
        )
        .distinct()
        .order_by("id")[:COUNT]
    )
    volunteers = list(
        Resident.objects.filter(
            tags__code="volunteer", ties__household__unit__building__microgrid__parent=grid
        )
        .distinct()
        .order_by("id")[:6]
    )
    partner_user = User.objects.filter(username="hehuoren").first()
    partner = Partner.objects.filter(members=partner_user).first() if partner_user else None
    partner_user = partner_user if partner else None
    rng = random.Random(seed)
    today = local_today(now)
    with transaction.atomic():
        for n, resident in enumerate(residents):
            recipient, risk = _enrol(
                n,
                resident,
                worker=worker,
                secretary=secretary,
                volunteers=volunteers,
                partner=partner,
                now=now,
            )
            _visits(
                n, recipient, risk, worker=worker, partner_user=partner_user, rng=rng, today=today
            )
        _finding_to_case(worker=worker, now=now)
        alerts_due(now=now)
    return len(residents)


def _enrol(n, resident, *, worker, secretary, volunteers, partner, now):
    """Enrol the `n`th person with the `n`th profile, assess and plan; returns the recipient
    and the risk level as scored."""
    risk, extra = PROFILES[n % len(PROFILES)]
    enrolled = now - timedelta(days=200 - n)
    recipient = services.recipient_enroll(
        actor=worker, resident=resident, consent=ConsentGiven(), now=enrolled
    )
    if n % 3 == 0:  # an earlier assessment: the history shows the change
        services.assessment_record(
            actor=worker, recipient=recipient, answers=_answers({}), now=enrolled
        )
    # Most were assessed two months ago; one high-risk person is due a reassessment.
    assessed = now - timedelta(days=100 if n == 0 else 60 - n)
    services.assessment_record(
        actor=secretary if n % 2 else worker,
        recipient=recipient,
        answers=_answers(extra),
        notes="子女在外地，电话联系每周一次。" if risk == "high" else "",
        now=assessed,
    )
    risk = recipient.risk_level  # as scored, whatever the profile's label says
    services.plan_update(
        actor=secretary,
        recipient=recipient,
        visit_every_days=VISIT_EVERY_DAYS[risk],
        needs=["助餐送餐、代买药品", "陪同就医", "聊天陪伴", "安装一键呼叫设备"][n % 4],
        responsible=worker,
        volunteers=volunteers[n % len(volunteers) :][:1] if volunteers else [],
        partner=partner if n % 3 == 1 else None,
        now=assessed,
    )
    return recipient, risk


def _visits(n, recipient, risk, *, worker, partner_user, rng, today) -> None:
    """The last two visits, the last one placed by SCHEDULE so the next is overdue, due today
    or not yet due."""
    every = VISIT_EVERY_DAYS[risk]
    gap = {"overdue": every + 2 + n % 4, "today": every, "later": rng.randint(1, every - 1)}
    last = today - timedelta(days=gap[SCHEDULE[n]])
    for when in (last - timedelta(days=every), last):
        wellbeing = rng.choice(
            ["good", "good", "fair", "poor"] if risk == "high" else ["good", "good", "fair"]
        )
        by_partner = partner_user and n % 3 == 1 and when == last
        services.visit_log(
            actor=partner_user if by_partner else worker,
            recipient=recipient,
            visited_at=_at(when, 9 + n % 8),
            kind="home" if when == last or n % 2 else "phone",
            visitors=partner_user.full_name if by_partner else f"{worker.full_name}、志愿者",
            wellbeing=wellbeing,
            findings=rng.choice(FINDINGS[wellbeing]),
            follow_up="下次带血压计。" if risk == "high" else "",
            now=_at(when, 18),
        )


def _finding_to_case(*, worker, now) -> None:
    """A poor-wellbeing finding about the stair light becomes a case (once cases exist)."""
    from care.models import CareVisit

    item = Item.objects.filter(code="RB19", is_active=True).first()
    visit = CareVisit.objects.filter(findings=CASE_FINDING, case=None).order_by("-id").first()
    if item and visit and Case.objects.exists():
        services.visit_to_case(
            visit=visit, actor=worker, item=item, description=CASE_DESCRIPTION, now=now
        )
