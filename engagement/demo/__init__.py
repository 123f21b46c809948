"""Demo engagement for 方城路社区: venues, a fortnight of activities with sign-ups, a
deliberation topic followed to its actions, door-knock visits and the after-school programme.

Every write goes through `engagement.services` with `now=` at its moment, so counters, codes,
waitlists and timelines are real. Deterministic (fixed seed, times relative to `now`) and
idempotent: each part is skipped once it exists. A module per part (`activities`,
`deliberation`, `visits`, `programmes`; `common` holds the community, its venues and its cast);
the public names are here, so callers import from `engagement.demo`.

Needs the demo community (`seed_structure`, `seed_residents`). A visit is turned into a case
only once the case history exists (`seed_cases` refuses to run when any case exists, so this
seeder never creates the first one); rerun after `seed_cases` and it is filed then.
"""

import random
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from engagement.demo.activities import ACTIVITIES, activities_seed
from engagement.demo.common import (
    AFTER_SCHOOL,
    AFTER_SCHOOL_TEXT,
    COMMUNITY,
    VENUES,
    residents_pick,
    venues_seed,
    volunteers_seed,
)
from engagement.demo.deliberation import TOPIC_TEXT, TOPIC_TITLE, topic_seed
from engagement.demo.programmes import (
    PROGRAMME_CHILDREN,
    PROGRAMME_DAYS,
    PROGRAMME_NAME,
    programme_seed,
)
from engagement.demo.visits import CASE_VISIT, VISITS, visit_file_case, visits_seed
from orgs.models import OrgUnit, User

__all__ = [
    "ACTIVITIES",
    "AFTER_SCHOOL",
    "AFTER_SCHOOL_TEXT",
    "CASE_VISIT",
    "COMMUNITY",
    "PROGRAMME_CHILDREN",
    "PROGRAMME_DAYS",
    "PROGRAMME_NAME",
    "TOPIC_TEXT",
    "TOPIC_TITLE",
    "VENUES",
    "VISITS",
    "seed_engagement",
]


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
        venues, created = venues_seed(community)
        volunteers = volunteers_seed(community, now)
        residents = residents_pick(community, rng, volunteers=volunteers)
        if len(residents) < 30:
            return created
        created += activities_seed(
            venues=venues,
            staff=staff["shequ"],
            community=community,
            residents=residents,
            volunteers=volunteers,
            now=now,
            rng=rng,
        )
        created += topic_seed(
            community=community,
            venues=venues,
            secretary=staff["shuji"],
            residents=residents,
            now=now,
        )
        created += visits_seed(grid_worker=staff["wanggeyuan"], now=now)
        created += programme_seed(
            community=community, venue=venues[0], staff=staff["shequ"], now=now, rng=rng
        )
        visit_file_case(grid_worker=staff["wanggeyuan"], now=now)
    return created
