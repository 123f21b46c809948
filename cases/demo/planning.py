"""Planning the demo's year: which stories happen, when, where, to whom, and in what words."""

import random
from datetime import datetime, timedelta

from django.utils import timezone

from cases.demo.tables import (
    APPEALS,
    ASK,
    BUILDING_WIDE,
    DURATIONS,
    FATE_AGE_HOURS,
    FATE_ITEMS,
    FATES,
    HOURS,
    MONTH_VOLUME,
    SERVICE_ASK,
    SERVICES,
    SPOTS,
    TAILS,
    _weight,
)
from cases.demo.world import _booking_time, _h, _m, _Story
from cases.models import (
    Channel,
)
from catalog.models import Item
from catalog.selectors import is_workday
from orgs.models import Estate


class _Planning:
    """The planning part of `simulation._Simulation` (its state is set up there)."""

    def plan(self, count: int) -> list[_Story]:
        """About `count` stories in time order: the year's reports by season, a few for the
        demo resident, neighbours' duplicates, the forced end states of the last weeks, and
        the estates nobody in the demo covers."""
        if not self.handled:
            return []
        n_unhandled = min(count // 150, count) if self.unhandled else 0
        n_forced = min(max(12, count // 100), count - n_unhandled)
        n_dups = (count - n_unhandled - n_forced) // 50
        n_normal = count - n_unhandled - n_forced - n_dups
        days = [self.start + timedelta(days=d) for d in range(366)]
        weights = [
            MONTH_VOLUME[timezone.localtime(d).month]
            * (1 if is_workday(timezone.localdate(d)) else 0.85)  # fewer on days off
            for d in days
        ]
        stories = []
        for _ in range(n_normal):
            stories.append(self._story(self._when(days, weights)))
        stories.sort(key=lambda s: s.created)
        demo, demo_home = self._demo_home()
        if demo_home is not None:
            self._give_demo_resident(stories, demo, demo_home)
        made = self._add_duplicates(stories, n_dups)
        for _ in range(n_dups - made):
            stories.append(self._story(self._when(days, weights)))
        self._add_forced(stories, n_forced, demo, demo_home)
        self._add_unhandled(stories, n_unhandled)
        stories.sort(key=lambda s: (s.created, s.n))
        return stories

    def _demo_home(self):
        """The demo resident and her home, if it is in an estate someone in the demo covers."""
        demo = self.w.demo_resident
        demo_home = None
        if demo is not None:
            demo_home = next(
                (self.w.households[h] for h, people in self.w.people.items() if demo.pk in people),
                None,
            )
        if demo_home is not None and demo_home.unit.building.estate not in self.handled:
            demo_home = None
        return demo, demo_home

    def _give_demo_resident(self, stories, demo, demo_home) -> None:
        """The demo resident has a history of her own."""
        for k in range(1, min(5, len(stories) // 40) + 1):
            index = len(stories) * k // 6
            stories[index] = self._story(
                stories[index].created,
                household=demo_home,
                resident_id=demo.pk,
                channel=Channel.WEB,
            )

    def _add_duplicates(self, stories, wanted: int) -> int:
        """A neighbour reports the same building-wide problem shortly after; how many did."""
        rng = self.rng
        primaries = [
            s
            for s in stories
            if s.item.code in BUILDING_WIDE and s.tokens.get("scope") == "building"
        ]
        made = 0
        for primary in rng.sample(primaries, min(wanted, len(primaries))):
            building = primary.household.unit.building
            neighbours = [
                h
                for h in self.w.homes[primary.estate.pk]
                if h.unit.building_id == building.pk and h.pk != primary.household.pk
            ]
            created = primary.created + _m(rng.uniform(10, 240))
            if not neighbours or created >= self.today:
                continue
            made += 1
            dup = self._story(
                created,
                household=rng.choice(neighbours),
                item=primary.item,
                channel=Channel.WEB,
            )
            dup.primary = primary
            stories.append(dup)
        return made

    def _add_forced(self, stories, count: int, demo, demo_home) -> None:
        """The most recent weeks: forced end states (two of them the demo resident's)."""
        rng = self.rng
        for k in range(count):
            fate = FATES[k % len(FATES)]
            low, high = FATE_AGE_HOURS[fate]
            created = self.today - _h(rng.uniform(low, high))
            item = self.w.items.get(rng.choice(FATE_ITEMS))
            mine = demo_home is not None and k in (3, 6)
            story = self._story(
                created,
                item=item,
                channel=Channel.WEB,
                fate=fate,
                household=demo_home if mine else None,
                resident_id=demo.pk if mine else None,
            )
            stories.append(story)

    def _add_unhandled(self, stories, count: int) -> None:
        """Reports from the estates nobody in the demo covers."""
        rng = self.rng
        for _ in range(count):
            created = self.today - _h(rng.uniform(2, 24 * 30))
            estate = rng.choice(self.unhandled)
            item = self.w.items.get(rng.choice(FATE_ITEMS))
            stories.append(
                self._story(
                    created, estate=estate, item=item, channel=Channel.WEB, fate="unhandled"
                )
            )

    def _when(self, days, weights) -> datetime:
        rng = self.rng
        while True:
            day = timezone.localtime(rng.choices(days, weights)[0])
            hour = rng.choices(range(24), HOURS)[0]
            at = day.replace(hour=hour, minute=0, second=0, microsecond=0)
            at += timedelta(seconds=rng.randrange(3600))
            if self.start < at < self.today - _m(10):
                return at

    def _story(
        self,
        created,
        *,
        estate=None,
        household=None,
        resident_id=None,
        item=None,
        channel=None,
        fate="normal",
    ) -> _Story:
        rng = self.rng
        w = self.w
        if household is not None:
            estate = household.unit.building.estate
        if estate is None:
            estate = self._pick_estate()
        if household is None:
            household = rng.choice(w.homes[estate.pk])
        if resident_id is None:
            resident_id = self._pick_resident(household, created)
        if item is None:
            item = self._pick_item(created)
        age = self._age(resident_id, created)
        if channel is None:
            elderly = age >= 65
            channel = rng.choices(
                [Channel.WEB, Channel.PHONE, Channel.WALK_IN, Channel.DOOR_KNOCK],
                [45, 30, 15, 10] if elderly else [78, 12, 6, 4],
            )[0]
        story = _Story(
            n=next(self.seq),
            rng=random.Random(rng.random()),
            created=created,
            item=item,
            estate=estate,
            household=household,
            resident_id=resident_id,
            channel=channel,
            fate=fate,
        )
        story.tokens = self._text(story)
        return story

    def _pick_estate(self) -> Estate:
        weights = [{"fcl": 55, "hcy": 45}.get(e.code, 5 if e.code else 1) for e in self.handled]
        return self.rng.choices(self.handled, weights)[0]

    def _pick_item(self, created) -> Item:
        rng = self.rng
        local = timezone.localtime(created)
        table = SERVICES if rng.random() < 0.15 else APPEALS
        codes = [c for c in table if c in self.w.items]
        if not codes:
            codes = [c for c in APPEALS if c in self.w.items] or sorted(self.w.items)
            table = APPEALS
        weights = [_weight(c, table, local) if c in table else 1 for c in codes]
        if not any(weights):
            weights = [1] * len(codes)
        return self.w.items[rng.choices(codes, weights)[0]]

    def _age(self, resident_id, created) -> int:
        born = self.w.born.get(resident_id)
        return (created.date() - born).days // 365 if born else 40

    def _pick_resident(self, household, created) -> int:
        people = self.w.people[household.pk]
        adults = [r for r in people if self._age(r, created) >= 18] or people
        return adults[0] if self.rng.random() < 0.6 else self.rng.choice(adults)

    def _text(self, s: _Story) -> dict:
        rng = s.rng
        h = s.household
        building = h.unit.building
        tokens = {
            "b": building.name,
            "bu": f"{building.name}{h.unit.name}",
            "home": f"{building.name}{h.unit.name}{h.number}",
            "f": f"{h.floor}楼",
            "spot": rng.choice(SPOTS),
            "dur": rng.choice(DURATIONS),
        }
        if s.item.kind == Item.Kind.SERVICE:
            s.preferred = _booking_time(
                s.created + _h(rng.choice([18, 24, 26, 44, 48, 50]) + rng.uniform(-2, 2)),
                s.item,
                rng,
            )
            tokens["when"] = self._when_text(s.created, s.preferred)
            template = SERVICE_ASK.get(s.item.code, "想预约{item}服务，{when}在家，麻烦安排")
            text = template.format(item=s.item.name, **tokens) + "。"
            return tokens | {"scope": "home", "description": text, "where": tokens["home"]}
        s.preferred = None
        scope, template = rng.choice(
            ASK.get(s.item.code) or [("building", "{bu}的" + s.item.name + "问题，{dur}")]
        )
        text = template.format(**tokens)
        if rng.random() < 0.4:
            text += "，" + rng.choice(TAILS)
        elif not text.endswith(("！", "。")):
            text += "。"
        where = {"home": tokens["home"], "building": tokens["bu"], "spot": tokens["spot"]}
        return tokens | {"scope": scope, "description": text, "where": where[scope]}

    @staticmethod
    def _when_text(created, preferred) -> str:
        a, b = timezone.localtime(created), timezone.localtime(preferred)
        days = (b.date() - a.date()).days
        day = {0: "今天", 1: "明天", 2: "后天"}.get(days, f"{b.month}月{b.day}日")
        return day + ("上午" if b.hour < 12 else "下午" if b.hour < 18 else "晚上")
