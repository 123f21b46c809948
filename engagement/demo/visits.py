"""The demo's door-knock visits by the grid worker, one of them filed as a case, and the doors
planned for their round."""

from datetime import timedelta

from django.utils import timezone

from cases.models import Case
from catalog.models import Item
from engagement import services
from engagement.demo.common import at
from engagement.models import Visit
from orgs.models import Household

# days ago, time, what was heard
VISITS = [
    (9, "10:00", "老人独居，腿脚不便，希望有人定期上门看看；楼道灯坏了好几天。"),
    (6, "15:30", "反映楼上卫生间漏水，厨房天花板有水渍，希望尽快维修。"),
    (3, "09:30", "家中孩子放学后无人照看，想了解“在城长”四点半课堂怎么报名。"),
]
CASE_VISIT = 1  # this one is filed as a case (RB15) once the case history exists
# Doors planned for the grid worker's round: in days from today, why.
PLANS = [
    (0, "独居老人回访：上次说腿脚不便，看看是否需要助餐"),
    (2, "了解加装电梯意见"),
]


def visits_seed(*, grid_worker, now) -> int:
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
            visited_at=at(timezone.localdate(now) - timedelta(days=ago), hhmm),
            visitors=f"{grid_worker.full_name}、方圆物业党支部 陈静",
            heard=heard,
            now=now,
        )
        created += 1
    for n, (days, why) in enumerate(PLANS):
        services.visit_plan(
            actor=grid_worker,
            household=households[(n * 7 + 5) % len(households)],
            due_on=timezone.localdate(now) + timedelta(days=days),
            note=why,
            now=now,
        )
    return created


def visit_file_case(*, grid_worker, now) -> None:
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
