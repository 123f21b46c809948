"""The generator of the case history: submission times over the period, then for each case the
row intake would have written, its participants and a life that ends in its current status."""

import random
from datetime import UTC, datetime, timedelta
from itertools import accumulate

from django.db import transaction
from django.utils import timezone

from bench.generate.bulk import (
    create_indexes,
    drop_indexes,
    finish_tables,
    write_counters,
    write_rows,
)
from bench.generate.reference import (
    NATURAL_MINUTES,
    Route,
    counters_load,
    last_id,
    places_load,
    routes_load,
    staff_load,
)
from bench.generate.timeline import Timeline
from cases.models import (
    Action,
    Case,
    CaseEvent,
    Channel,
    Participant,
    Party,
    Rating,
    RatingSource,
    Status,
    Tally,
)
from cases.tallies import tally_rebuild
from catalog.models import Item
from catalog.selectors import sla_deadlines
from orgs.models import OrgUnit

CHUNK = 20_000
CHANNELS = [
    (Channel.WEB, 55),
    (Channel.PHONE, 25),
    (Channel.WALK_IN, 9),
    (Channel.DOOR_KNOCK, 6),
    (Channel.API, 3),
    (Channel.OPEN311, 2),
]
RATINGS = [(Rating.SATISFIED, 76), (Rating.BASIC, 15), (Rating.DISSATISFIED, 9)]
CHANNEL_CHOICES = [c for c, _ in CHANNELS], list(accumulate(w for _, w in CHANNELS))
RATING_CHOICES = [r for r, _ in RATINGS], list(accumulate(w for _, w in RATINGS))
TEXTS = [
    "楼道灯不亮了，晚上上下楼看不清",
    "厨房水管漏水，楼下邻居家天花板渗水",
    "小区门口垃圾堆放好几天没人清理",
    "电梯运行时有异响，老人不敢坐",
    "单元门门禁坏了，关不上",
    "楼上装修噪音太大，中午也不停",
    "下水道堵塞，污水反上来了",
    "绿化带杂草太多，有蚊虫",
    "车辆乱停占用消防通道",
    "想预约上门维修服务",
]
# The columns intake leaves empty on a new case; a case's life fills some of them in.
UNSET = {
    "created_by_id": None,
    "idempotency_key": "",
    "external_no": "",
    "location_text": "",
    "latitude": None,
    "longitude": None,
    "level": 0,
    "assignee_id": None,
    "accepted_at": None,
    "first_response_at": None,
    "resolved_at": None,
    "closed_at": None,
    "supervised_at": None,
    "supervise_due": None,
    "escalation_count": 0,
    "return_count": 0,
    "reopen_count": 0,
    "preferred_time": None,
    "rating": "",
    "rating_comment": "",
    "rating_source": "",
    "rated_at": None,
    "followed_up_at": None,
    "followup_solved": None,
    "followup_needed": False,
    "auto_closed": False,
    "merged_into_id": None,
    "duplicate_count": 0,
    "neighbour_count": 0,
    "anonymised_at": None,
    "version": 1,
}


class Generator:
    """Writes `count` cases over the `months` before `now`; `open_cases` of the newest stay
    open, `overdue` of those with a clock already missed (the worker's next sweep)."""

    def __init__(self, *, count, open_cases, overdue, now=None, months=24, seed=20261126):
        self.rng = random.Random(seed)
        self.now = (now or timezone.now()).astimezone(UTC)
        self.count, self.open_cases, self.overdue = count, open_cases, overdue
        self.start = self.now - timedelta(days=months * 30.4)
        self._load()

    # -- reference data ------------------------------------------------------------------

    def _load(self) -> None:
        self.routes, self.route_weights = routes_load(self.rng)
        self.places = places_load(self.rng)
        self.units = {u.pk: u for u in OrgUnit.objects.all()}
        self.staff = staff_load()  # org unit / ("company", id) -> user ids
        self.case_id = last_id(Case)
        self.event_id = last_id(CaseEvent)
        self.participant_id = last_id(Participant)
        self.counters = counters_load()

    def _deadlines(self, route: Route, start: datetime) -> tuple[datetime | None, datetime, bool]:
        """What `sla_deadlines` gives; natural clocks by plain arithmetic (the same result)."""
        policy = route.policy
        if route.natural:
            response = (
                start
                + timedelta(minutes=policy.response_amount * NATURAL_MINUTES[policy.response_unit])
                if policy.response_amount
                else None
            )
            resolution = start + timedelta(
                minutes=policy.resolution_amount * NATURAL_MINUTES[policy.resolution_unit]
            )
            return response, resolution, False
        deadlines = sla_deadlines(policy=policy, start=start)
        response = deadlines.response.at if deadlines.response else None
        return response, deadlines.resolution.at, deadlines.provisional

    # -- writing ---------------------------------------------------------------------------

    def run(self) -> dict:
        created = {"cases": 0, "events": 0, "participants": 0}
        times = self._times()
        indexes = drop_indexes([Case, CaseEvent, Participant])
        try:
            for first in range(0, len(times), CHUNK):
                cases, events, participants = [], [], []
                for n, created_at in enumerate(times[first : first + CHUNK], first):
                    recent = n >= self.count - self.open_cases
                    overdue = recent and n >= self.count - self.overdue
                    self._case(created_at, recent, overdue, cases, events, participants)
                with transaction.atomic():
                    write_rows(Case, cases)
                    write_rows(CaseEvent, events)
                    write_rows(Participant, participants)
                created["cases"] += len(cases)
                created["events"] += len(events)
                created["participants"] += len(participants)
        finally:
            create_indexes(indexes)
        write_counters(self.counters)
        tally_rebuild()
        finish_tables([Case, CaseEvent, Participant, Tally])
        return created

    def _times(self) -> list[datetime]:
        """Submission times: growing over the period, busier in summer, by day and evening."""
        rng, span = self.rng, (self.now - self.start).total_seconds()
        closed = self.count - self.open_cases
        times = []
        for _ in range(closed):
            while True:
                x = rng.random() ** 0.8  # more recent, more reports
                at = self.start + timedelta(seconds=x * (span - 40 * 86400))
                summer = at.month in (6, 7, 8)
                hour = (at.hour + 8) % 24
                if rng.random() < (1.0 if summer else 0.8) * (1.0 if 7 <= hour <= 21 else 0.15):
                    times.append(at)
                    break
        times.sort()
        # Open cases: the last weeks; positions are fixed up per case to fit their clocks.
        times += [self.now] * self.open_cases
        return times

    def _case(self, created_at, recent, overdue, cases, events, participants) -> None:
        rng = self.rng
        route = rng.choices(self.routes, cum_weights=self.route_weights)[0]
        place = rng.choice(self.places)
        if recent:
            created_at = self._open_start(route, overdue)
        lead = route.lead if place.company_id else Party.COMMUNITY
        row = self._row(route, place, lead, created_at)
        channel = row["channel"]
        timeline = Timeline(self, row, events)
        timeline.add(
            created_at,
            Action.SUBMIT,
            Party.RESIDENT if channel == Channel.WEB else Party.COMMUNITY,
            data={"channel": channel, "emergency_words": []},
        )
        self._participants(row, place, route, lead, participants)
        desk = self.staff.get(("company", place.company_id)) if lead != Party.COMMUNITY else None
        handler_party = Party.PROPERTY_COMPANY if desk else Party.COMMUNITY
        handlers = (
            desk
            or self.staff.get(place.microgrid_id)
            or self.staff.get(self.units[place.microgrid_id].parent_id)
        )
        actor = rng.choice(handlers) if handlers else None
        if recent:
            self._open_life(row, timeline, handler_party, actor, overdue)
        else:
            self._closed_life(row, timeline, handler_party, actor, place)
        row["version"] = len(timeline.actions)
        row["updated_at"] = timeline.last
        cases.append(row)

    def _row(self, route: Route, place, lead, created_at) -> dict:
        """The case as intake writes it: numbered in its day, routed, its clocks running."""
        rng, item, policy = self.rng, route.item, route.policy
        response_due, resolution_due, provisional = self._deadlines(route, created_at)
        self.case_id += 1
        day = (created_at + timedelta(hours=8)).date()
        self.counters[place.prefix, day] += 1
        channel = rng.choices(CHANNEL_CHOICES[0], cum_weights=CHANNEL_CHOICES[1])[0]
        return {
            **UNSET,
            "id": self.case_id,
            "tracking_no": f"{place.prefix}{day:%Y%m%d}-{self.counters[place.prefix, day]:04d}",
            "kind": Case.Kind.SERVICE_REQUEST
            if item.kind == Item.Kind.SERVICE
            else Case.Kind.APPEAL,
            "item_id": item.pk,
            "domain_id": item.domain_id,
            "description": rng.choice(TEXTS),
            "status": Status.SUBMITTED,
            "priority": route.priority,
            "channel": channel,
            "resident_id": place.resident_id,
            "contact_name": place.name,
            "contact_mobile": place.mobile,
            "estate_id": place.estate_id,
            "building_id": place.building_id,
            "household_id": place.household_id,
            "area_path": place.microgrid_path,
            "owner_unit_id": place.microgrid_id,
            "company_id": place.company_id,
            "lead_party": lead,
            "sla_id": policy.pk,
            "response_due": response_due,
            "resolution_due": resolution_due,
            "deadlines_provisional": provisional,
            "next_escalation_at": response_due or resolution_due,
            "doorstep": bool(place.household_id) and item.kind == Item.Kind.SERVICE,
            "created_at": created_at,
            "updated_at": created_at,
        }

    def _open_start(self, route: Route, overdue: bool) -> datetime:
        """A submission time whose next clock is missed (overdue) or still ahead."""
        rng = self.rng
        for _ in range(20):
            if overdue:
                start = self.now - timedelta(hours=rng.uniform(2, 24 * 20))
            else:
                start = self.now - timedelta(minutes=rng.uniform(1, 60 * 24 * 10))
            response_due, resolution_due, _provisional = self._deadlines(route, start)
            clock = response_due or resolution_due
            if (clock <= self.now) == overdue and (overdue or resolution_due > self.now):
                return start
        return self.now - timedelta(minutes=1) if not overdue else self.now - timedelta(days=30)

    def _participants(self, row, place, route, lead, participants) -> None:
        other = Participant.Role.CO_HANDLER if route.co_handle else Participant.Role.WATCHER
        sides = [
            (place.microgrid_id, None, Participant.Role.LEAD if lead == Party.COMMUNITY else other)
        ]
        if place.company_id:
            sides.append(
                (
                    None,
                    place.company_id,
                    Participant.Role.LEAD if lead != Party.COMMUNITY else other,
                )
            )
        for unit_id, company_id, role in sides:
            self.participant_id += 1
            participants.append(
                {
                    "id": self.participant_id,
                    "case_id": row["id"],
                    "org_unit_id": unit_id,
                    "company_id": company_id,
                    "role": role,
                    "joined_at": row["created_at"],
                    "is_active": True,
                    "at_intake": True,
                }
            )

    def _open_life(self, row, timeline, party, actor, overdue) -> None:
        rng, created = self.rng, row["created_at"]
        stage = rng.random()
        clock = row["response_due"] or row["resolution_due"]
        if overdue and row["response_due"] and row["response_due"] <= self.now:
            return  # missed its response clock: still awaiting acceptance
        if not overdue and row["response_due"] and row["response_due"] <= self.now:
            stage = max(stage, 0.3)  # past the response clock it must have been accepted
        if stage < 0.3 and (row["response_due"] or clock) > self.now:
            return  # awaiting acceptance, clock ahead
        ceiling = min(self.now, row["response_due"] or self.now)
        accepted = created + (ceiling - created) * rng.uniform(0.1, 0.9)
        timeline.accept(accepted, party, actor)
        if stage > 0.45:
            timeline.contact(
                accepted + (self.now - accepted) * rng.uniform(0.05, 0.5), party, actor
            )
        row["next_escalation_at"] = row["resolution_due"]

    def _closed_life(self, row, timeline, party, actor, place) -> None:
        rng, created = self.rng, row["created_at"]
        response_span = (row["response_due"] or row["resolution_due"]) - created
        accepted = created + response_span * min(1.3, rng.expovariate(3))
        if row["response_due"] and accepted > row["response_due"] and rng.random() < 0.6:
            # Missed the response clock: the worker escalated it one level first.
            timeline.escalate(row["response_due"], self.units[row["owner_unit_id"]].parent_id)
        timeline.accept(accepted, party, actor)
        span = row["resolution_due"] - accepted
        contact = accepted + timedelta(minutes=rng.uniform(5, 90))
        timeline.contact(contact, party, actor)
        late = rng.random() < 0.08
        resolved = max(
            contact + timedelta(minutes=10),
            accepted + span * (rng.uniform(1.05, 2.5) if late else rng.uniform(0.05, 0.95)),
        )
        row["next_escalation_at"] = None
        timeline.add(resolved, Action.RESOLVE, party, actor, to=Status.RESOLVED, note="已处理完毕")
        row["resolved_at"] = resolved
        fate = rng.random()
        if fate < 0.07 or not place.resident_id:
            closed = resolved + timedelta(days=7, minutes=1)
            timeline.add(closed, Action.AUTO_CLOSE, Party.SYSTEM, to=Status.CLOSED)
            row.update(closed_at=closed, auto_closed=True)
            return
        rated = resolved + timedelta(hours=rng.uniform(0.5, 72))
        rating = rng.choices(RATING_CHOICES[0], cum_weights=RATING_CHOICES[1])[0]
        row.update(rating=rating, rated_at=rated, rating_source=RatingSource.RESIDENT)
        if rating != Rating.DISSATISFIED:
            timeline.add(
                rated,
                Action.RATE,
                Party.RESIDENT,
                to=Status.CLOSED,
                data={"rating": rating, "tags": []},
            )
            row["closed_at"] = rated
            return
        timeline.add(rated, Action.RATE, Party.RESIDENT, data={"rating": rating, "tags": []})
        row["followup_needed"] = True
        followed = rated + timedelta(hours=rng.uniform(2, 48))
        community_staff = self.staff.get(place.community_id)
        who = rng.choice(community_staff) if community_staff else None
        solved = rng.random() < 0.7
        timeline.add(
            followed,
            Action.FOLLOW_UP,
            Party.COMMUNITY,
            who,
            public=False,
            data={"solved": solved, "satisfied": False},
        )
        row.update(followed_up_at=followed, followup_solved=solved, followup_needed=False)
        closed = followed + timedelta(minutes=5)
        timeline.add(closed, Action.CLOSE, Party.COMMUNITY, who, to=Status.CLOSED)
        row["closed_at"] = closed
