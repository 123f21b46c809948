"""The demo simulation: plan the year, give residents their accounts, then play every story in
global time order, with the worker's escalation sweep whenever a clock runs out."""

import heapq
import itertools
import random
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password

from cases import services, worker
from cases.demo.life import _CaseLife
from cases.demo.planning import _Planning
from cases.demo.world import _ceil_minute, _Crew, _daytime, _h, _m, _Story, _World
from cases.models import (
    OPEN_STATUSES,
    Action,
    Case,
    CaseEvent,
    Channel,
)
from catalog.models import WORKING_UNITS, Priority
from orgs.models import User
from orgs.roles import Role
from orgs.selectors import scope_for
from residents.models import Resident

STORY, TICK = 0, 1


class _Simulation(_Planning, _CaseLife):
    def __init__(self, world: _World, rng: random.Random, today: datetime):
        self.w = world
        self.rng = rng
        self.today = today
        self.start = today - timedelta(days=365)
        self.heap = []
        self.seq = itertools.count()
        self.ticks = set()
        self.clock = self.start
        self.by_case = {}
        self.created = 0
        self.residents = {}
        cast = world.cast
        self.handled, self.unhandled = [], []
        for estate in world.estates:
            if not world.homes[estate.pk]:
                continue
            path = estate.community.path
            company = estate.company_id
            desk = cast.covering(
                area_path=path,
                company_id=company,
                roles=(Role.PROPERTY_MANAGER, Role.PROPERTY_STAFF),
            )
            community = cast.covering(
                area_path=path,
                company_id=None,
                roles=(Role.COMMUNITY_STAFF, Role.COMMUNITY_SECRETARY),
            )
            if community and (desk or not company):
                self.handled.append(estate)
            else:
                self.unhandled.append(estate)

    # -- resident accounts --------------------------------------------------------------------

    def accounts(self, stories: list[_Story]) -> None:
        """Residents who report on the web or rate have signed in once: they have an account
        (as the one-time-code sign-in would have created it) and consented on that day."""
        first = {}
        for s in stories:
            first.setdefault(s.resident_id, s)
        residents = {r.pk: r for r in Resident.objects.filter(pk__in=first)}
        web = {s.resident_id for s in stories if s.channel == Channel.WEB}
        wanted = {rid for rid in first if rid in web or random.Random(f"{rid}").random() < 0.5}
        wanted = sorted(rid for rid in wanted if residents[rid].user_id is None)
        existing = {
            u.username: u
            for u in User.objects.filter(username__in=[f"resident-{rid}" for rid in wanted])
        }
        new = []
        for rid in wanted:
            resident = residents[rid]
            joined = first[rid].created - _m(first[rid].rng.uniform(1, 20))
            user = existing.get(f"resident-{rid}") or User(
                username=f"resident-{rid}",
                full_name=resident.name,
                password=make_password(None),
                date_joined=joined,
            )
            if user.pk is None:
                new.append(user)
            resident.user = user
            resident.consent_at = resident.consent_at or joined
        User.objects.bulk_create(new, batch_size=500)
        for rid in wanted:  # now that the new users have primary keys
            resident = residents[rid]
            resident.user = resident.user  # sets user_id, keeps the cached user
        Resident.objects.bulk_update(
            [residents[rid] for rid in wanted], ["user", "consent_at"], batch_size=500
        )
        for user in self.w.cast.users:
            scope_for(user)
        self.residents = residents
        for s in stories:
            if s.channel == Channel.WEB and residents[s.resident_id].user_id is None:
                s.channel = Channel.PHONE

    # -- running ------------------------------------------------------------------------------

    def run(self, stories: list[_Story]) -> None:
        for s in stories:
            s.gen = self._life(s)
            self._push(next(s.gen), STORY, s)
        while self.heap:
            at, _seq, kind, story = heapq.heappop(self.heap)
            self.clock = at
            if kind == TICK:
                self._escalate(at)
            else:
                self._resume(story, at)

    def _push(self, at, kind, story):
        heapq.heappush(self.heap, (at, next(self.seq), kind, story))

    def _resume(self, s: _Story, at: datetime) -> None:
        try:
            nxt = s.gen.send(at)
        except StopIteration:
            nxt = None
        if nxt is not None:
            nxt = max(nxt, at)
            if nxt > self.today:
                s.gen.close()
                nxt = None
            else:
                self._push(nxt, STORY, s)
        s.next_at = nxt
        self._watch(s)

    def _watch(self, s: _Story) -> None:
        """If the case will miss a clock before its next step, the worker will notice."""
        case = s.case
        if case is None or case.status not in OPEN_STATUSES:
            return
        due = case.next_escalation_at
        if due is None or (s.next_at is not None and s.next_at <= due):
            return
        tick = max(_ceil_minute(due), _ceil_minute(self.clock + timedelta(seconds=1)))
        if tick <= self.today and tick not in self.ticks:
            self.ticks.add(tick)
            self._push(tick, TICK, None)

    def _escalate(self, at: datetime) -> None:
        if not worker.escalate_due(now=at):
            return
        ids = CaseEvent.objects.filter(action=Action.ESCALATE, at=at).values_list(
            "case_id", flat=True
        )
        fields = ["version", "level", "escalation_count", "next_escalation_at", "updated_at"]
        rows = Case.objects.filter(pk__in=list(ids)).values("pk", "owner_unit_id", *fields)
        for row in rows:
            s = self.by_case[row["pk"]]
            for name in fields:
                setattr(s.case, name, row[name])
            s.case.owner_unit = self.w.units[row["owner_unit_id"]]
            self._watch(s)

    # -- one case's life ----------------------------------------------------------------------

    def _crew(self, case: Case) -> _Crew:
        cast = self.w.cast
        path, company = case.area_path, case.company_id

        def who(*roles, company_id=None):
            return cast.covering(area_path=path, company_id=company_id, roles=roles)

        return _Crew(
            desk=who(Role.PROPERTY_STAFF, Role.PROPERTY_MANAGER, company_id=company),
            tech=who(Role.TECHNICIAN, company_id=company),
            managers=who(Role.PROPERTY_MANAGER, company_id=company),
            grid=who(Role.MICROGRID_LEADER, Role.GRID_WORKER),
            community=who(Role.COMMUNITY_STAFF),
            secretary=who(Role.COMMUNITY_SECRETARY),
            subdistrict=who(Role.SUBDISTRICT_STAFF),
            partner=who(Role.PARTNER),
        )

    def _submit(self, s: _Story, t: datetime) -> Case:
        resident = self.residents[s.resident_id]
        household = s.household
        building = household.unit.building
        scope = s.tokens["scope"]
        if s.channel == Channel.WEB:
            creator = resident.user
        else:
            area = building.microgrid.path if scope != "spot" else s.estate.community.path
            crew = self.w.cast.covering(
                area_path=area,
                company_id=None,
                roles=(
                    (Role.MICROGRID_LEADER, Role.GRID_WORKER)
                    if s.channel == Channel.DOOR_KNOCK
                    else (Role.COMMUNITY_STAFF, Role.GRID_WORKER, Role.MICROGRID_LEADER)
                ),
            ) or self.w.cast.covering(
                area_path=area,
                company_id=None,
                roles=(Role.COMMUNITY_STAFF, Role.COMMUNITY_SECRETARY),
            )
            creator = s.rng.choice(crew) if crew else resident.user
            if creator is None:
                s.channel, creator = Channel.PHONE, None
        case = services.case_submit(
            item=s.item,
            description=s.tokens["description"],
            channel=s.channel,
            created_by=creator,
            estate=s.estate,
            resident=resident,
            building=building if scope != "spot" else None,
            household=household if scope == "home" else None,
            location_text=s.tokens["spot"] if scope == "spot" else "",
            preferred_time=s.preferred,
            now=t,
        )
        # Nothing is merged into a new case yet: spare the notifications that query.
        duplicates = Case.objects.filter(merged_into=case)
        duplicates._result_cache, duplicates._prefetch_done = [], True
        case._prefetched_objects_cache = {"duplicates": duplicates}
        s.case = case
        self.by_case[case.pk] = s
        self.created += 1
        return case

    def _life(self, s: _Story):
        """The generator of one case's steps: it yields when its next step is due and is
        resumed at that moment (with the time), in global time order."""
        t = yield s.created
        case = self._submit(s, t)
        rng = s.rng
        crew = self._crew(case)
        if s.fate == "fresh":
            return
        if s.fate == "unhandled":
            yield from self._unhandled(s, case, crew, t)
            return
        if s.primary is not None and crew.routers:
            t = yield t + _m(rng.uniform(15, 100))
            into = s.primary.case
            if into is not None and into.status in OPEN_STATUSES:
                router = rng.choice(crew.routers)
                services.case_merge(case=case, into=into, actor=router, now=t)
                into._prefetched_objects_cache["duplicates"]._result_cache.append(case)
                return
        yield from self._handle(s, case, crew, t)

    def _unhandled(self, s, case, crew, t):
        """Nobody in the demo works here: the ladder takes it up, the subdistrict presses."""
        rng = s.rng
        if not crew.subdistrict or rng.random() < 0.4:
            return
        boss = rng.choice(crew.subdistrict)
        t = yield _daytime(t + _h(rng.uniform(7, 30)), rng, start=9, end=18)
        services.case_supervise(
            case=case,
            actor=boss,
            due=t + _h(rng.choice([24, 48, 72])),
            note="请物业公司和社区尽快办结并回复居民",
            now=t,
        )
        if rng.random() < 0.5:
            t = yield t + _m(rng.uniform(5, 60))
            services.case_reply(
                case=case, actor=boss, text="街道已督办，已要求物业公司尽快上门处理", now=t
            )

    def _accept_at(self, s, case, t) -> datetime:
        rng = s.rng
        emergency = case.priority == Priority.EMERGENCY
        if not emergency and case.sla.response_unit in WORKING_UNITS:
            t = _daytime(t, rng)  # its clock waits for the morning, and so does the desk
        due = case.response_due or (t + (case.resolution_due - t) * 0.3)
        window = max((due - t).total_seconds() / 60, 2)
        if s.fate == "normal" and rng.random() < (0.05 if emergency else 0.03):
            return due + _m(rng.uniform(5, 40) if emergency else rng.uniform(10, 300))
        typical = rng.uniform(2, 20) if emergency else rng.triangular(4, 110, 20)
        if s.fate != "normal":
            typical = rng.uniform(3, 25)
        return t + _m(min(typical, window * rng.uniform(0.5, 0.95)))
