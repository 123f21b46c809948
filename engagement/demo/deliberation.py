"""The demo's deliberation topic, followed from the proposal through supporters, a meeting and
its decision to two actions (one done, one under way)."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from engagement import services
from engagement.demo.common import resident_user
from engagement.models import Topic

TOPIC_TITLE = "方城路小区3号楼前增设电动自行车集中充电棚"
TOPIC_TEXT = (
    "楼道里给电动自行车充电的越来越多，夜里飞线充电很危险。"
    "建议在3号楼前空地建一个带计量的集中充电棚，费用和管理办法大家商量。"
)


def topic_seed(*, community, venues, secretary, residents, now) -> int:
    if Topic.objects.filter(community=community, title=TOPIC_TITLE).exists():
        return 0
    proposer = residents[0]
    start = now - timedelta(days=20)
    topic = services.topic_propose(
        user=resident_user(proposer, start),
        title=TOPIC_TITLE,
        description=TOPIC_TEXT,
        community=community,
        now=start,
    )
    for n, resident in enumerate(residents[1:15], start=1):
        moment = start + timedelta(hours=5 * n)
        services.topic_support(topic=topic, user=resident_user(resident, moment), now=moment)
    decided = _meeting(
        topic=topic, venue=venues[2], secretary=secretary, attendees=residents[:9], now=now
    )
    _actions(topic=topic, secretary=secretary, decided=decided, now=now)
    return 1


def _meeting(*, topic, venue, secretary, attendees, now) -> datetime:
    """The meeting ten days ago, its minutes and the decision; returns when it was decided."""
    meeting_at = timezone.make_aware(
        datetime.combine(timezone.localdate(now - timedelta(days=10)), time(19, 0))
    )
    services.meeting_schedule(
        topic=topic,
        actor=secretary,
        starts_at=meeting_at,
        venue=venue,
        agenda="一、居民代表介绍提议；二、物业介绍选址和费用测算；三、讨论收费和管理办法；四、表决。",
        now=meeting_at - timedelta(days=5),
    )
    services.meeting_record(
        topic=topic,
        actor=secretary,
        attendee_mobiles=[r.mobile for r in attendees],
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
    return decided


def _actions(*, topic, secretary, decided, now) -> None:
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
