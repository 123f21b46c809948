"""One demo case's life after intake, as small steps: routing, signing for it, the work, an
extension or supervision, the resolution and the resident's verdict.

Each step is a generator of the moments its actions happen: the simulation resumes it at that
moment (with the time), in global time order."""

from datetime import datetime, timedelta

from django.conf import settings

from cases import services
from cases.demo.tables import (
    APPEALS,
    COMMENTS,
    CONTACT_NOTES,
    DONE,
    EXTENSION_REASONS,
    FATE_AGE_HOURS,
    INTERNAL_NOTES,
    KIND_OF,
    REPLY,
    RESIDENT_REPLIES,
    RETURN_NOTES,
    RETURNABLE,
    SERVICE_DONE,
    TAGS,
    TECHNICAL,
    TRANSFERABLE,
    WHISTLE,
)
from cases.demo.world import _Crew, _daytime, _h, _m, _Story
from cases.models import (
    Case,
    Party,
    Rating,
    ReturnReason,
    Status,
)
from catalog.models import Item, Priority


class _CaseLife:
    """The part of `simulation._Simulation` that plays a case after intake."""

    def _handle(self, s: _Story, case: Case, crew: _Crew, t: datetime):
        """A case from routing to the resident's verdict. Each step is a generator of the
        moments its actions happen; a step that ends the story there returns None."""
        rng = s.rng
        normal = s.fate == "normal"
        emergency = case.priority == Priority.EMERGENCY
        side = "company" if case.lead_party == Party.PROPERTY_COMPANY else "community"
        if side == "company" and not crew.desk:
            side = "community"
        routed = yield from self._route(s, case, crew, side, t)
        if routed is None:
            return
        t, side = routed
        handler, worker_ = self._handler(s, crew, side)
        if s.fate == "unaccepted":
            yield from self._press_unaccepted(s, case, crew, t)
            return
        t = yield self._accept_at(s, case, t)
        services.case_accept(case=case, actor=handler, now=t)
        if s.fate == "accepted":
            return
        t, side, handler, worker_ = yield from self._pass_on(
            s, case, crew, side, handler, worker_, t
        )

        t = yield t + _m(rng.uniform(1, 10) if emergency else rng.uniform(5, 60))
        notes = CONTACT_NOTES["emergency" if emergency else side]
        services.case_first_response(case=case, actor=handler, note=rng.choice(notes), now=t)
        finish = self._finish_at(s, case, t)
        # Dispatch to who does the work.
        if worker_ is not handler and worker_ is not None:
            t = yield t + min(_m(rng.uniform(5, 60)), (finish - t) * 0.3)
            services.case_assign(case=case, actor=handler, assignee=worker_, now=t)
        else:
            worker_ = handler
        t = yield from self._work(s, case, crew, side, handler, worker_, t, finish)
        if s.fate in ("in_progress", "overdue"):
            return
        if s.fate == "extension" or (
            normal and not emergency and case.resolution_due - t > _h(30) and rng.random() < 0.03
        ):
            t, finish = yield from self._extension(s, case, crew, worker_, t, finish)
            if s.fate == "extension":
                return
        t = yield from self._supervise(s, case, crew, t, finish)
        if s.fate == "supervised":
            return

        t = yield max(finish, t + _m(5))
        services.case_resolve(case=case, actor=worker_, note=self._done_text(s, case), now=t)
        if s.fate == "resolved":
            return
        yield from self._verdict(s, case, crew, side, handler, worker_, t)

    def _route(self, s, case, crew, side, t):
        """Routing before anyone signs for it: a paid repair goes to the company's desk, a
        misrouted case comes back for a ruling. Returns (t, side), or None: the story ends."""
        rng = s.rng
        item = s.item
        if (
            case.kind == Case.Kind.SERVICE_REQUEST
            and item.provider == Item.Provider.PROPERTY_COMPANY
            and crew.desk
            and crew.community
        ):
            t = yield t + _m(rng.uniform(5, 40))
            services.case_transfer(
                case=case,
                actor=rng.choice(crew.community),
                company=case.company,
                note="属于物业有偿维修服务，已转物业服务中心派单",
                now=t,
            )
            return t, "company"
        if (
            side == "company"
            and crew.routers
            and (
                s.fate == "returned"
                or (s.fate == "normal" and rng.random() < RETURNABLE.get(item.code, 0.01))
            )
        ):
            return (yield from self._return_for_ruling(s, case, crew, t))
        return t, side

    def _return_for_ruling(self, s, case, crew, t):
        """The company's desk returns the case; the back office rules who acts (None: the
        returned fate waits for its ruling)."""
        rng = s.rng
        item = s.item
        t = yield t + _m(rng.uniform(10, 90))
        reason = {
            "RB08": ReturnReason.OVERLAPPING_DUTIES,
            "RB13": ReturnReason.OVERLAPPING_DUTIES,
        }.get(item.code) or rng.choice(
            [
                ReturnReason.OWNERSHIP_UNCLEAR,
                ReturnReason.OWNERSHIP_UNCLEAR,
                ReturnReason.WRONG_LOCATION,
            ]
        )
        services.case_return(
            case=case,
            actor=rng.choice(crew.desk),
            reason=reason,
            note=RETURN_NOTES[reason],
            now=t,
        )
        if s.fate == "returned":
            return None
        t = yield _daytime(t + _h(rng.uniform(0.5, 20)), rng, start=8, end=18)
        to_community = rng.random() < (0.7 if item.code in ("RB08", "RB13", "RB26") else 0.3)
        services.case_rule_return(
            case=case,
            actor=rng.choice(crew.routers),
            org_unit=s.estate.community if to_community else None,
            company=None if to_community else case.company,
            note="经研判由社区牵头处理，物业配合"
            if to_community
            else "经核实属于物业服务范围，请物业按时办结",
            now=t,
        )
        return t, "community" if to_community else "company"

    def _press_unaccepted(self, s, case, crew, t):
        """Nobody signs for it: the secretary supervises."""
        if crew.secretary:
            t = yield t + _h(s.rng.uniform(6, 8))
            services.case_supervise(
                case=case,
                actor=s.rng.choice(crew.secretary),
                due=t + _h(24),
                note="超时未受理，请立即受理并回复居民",
                now=t,
            )

    def _pass_on(self, s, case, crew, side, handler, worker_, t):
        """A matter for the other side, passed on after signing for it, and signed for there.
        Returns (t, side, handler, worker)."""
        rng = s.rng
        if (
            s.fate == "normal"
            and side == "company"
            and crew.community
            and rng.random() < TRANSFERABLE.get(s.item.code, 0)
        ):
            t = yield t + _m(rng.uniform(10, 120))
            services.case_transfer(
                case=case,
                actor=handler,
                org_unit=s.estate.community,
                note="该问题属于邻里矛盾，需社区出面调解，已转社区",
                now=t,
            )
            side = "community"
            handler, worker_ = self._handler(s, crew, side)
            t = yield self._accept_at(s, case, t)
            services.case_accept(case=case, actor=handler, now=t)
        return t, side, handler, worker_

    def _finish_at(self, s, case, t) -> datetime:
        """When the work is done: by the item's usual pace, the booked time, or late."""
        rng = s.rng
        item = s.item
        emergency = case.priority == Priority.EMERGENCY
        if s.preferred is not None:
            finish = max(s.preferred, t + _h(1)) + _m(rng.uniform(30, 120))
        else:
            low, high = (0.5, 1.8) if emergency else APPEALS.get(item.code, (0, 0, 0, (2, 48)))[3]
            finish = s.created + _h(rng.uniform(low, high))
            if not emergency:
                finish = _daytime(finish, rng)
        if s.fate in ("reopened", "resolved"):
            finish = _daytime(s.created + _h(rng.uniform(3, 30)), rng)
            finish = min(finish, self.today - _h(FATE_AGE_HOURS[s.fate][0] - 30))
        late = s.fate == "normal" and rng.random() < (0.1 if emergency else 0.03)
        if late:
            finish = case.resolution_due + (
                _m(rng.uniform(10, 90)) if emergency else _h(rng.uniform(2, 72))
            )
        elif finish >= case.resolution_due:
            finish = t + (case.resolution_due - t) * rng.uniform(0.5, 0.9)
        return max(finish, t + _m(20))

    def _work(self, s, case, crew, side, handler, worker_, t, finish):
        """The middle of the work: replies, an internal note, a whistle. Returns t."""
        rng = s.rng
        normal = s.fate == "normal"
        kind = KIND_OF.get(s.item.code, "order")
        if case.kind == Case.Kind.SERVICE_REQUEST:
            kind = "service"
        elif side == "community":
            kind = "community"
        if rng.random() < 0.55 or s.fate in ("in_progress", "overdue"):
            t = yield t + (finish - t) * rng.uniform(0.1, 0.4)
            services.case_reply(case=case, actor=worker_, text=rng.choice(REPLY[kind]), now=t)
            resident = self.residents[s.resident_id]
            if resident.user and rng.random() < 0.15:
                t = yield t + min(_m(rng.uniform(5, 120)), (finish - t) * 0.3)
                services.case_resident_reply(
                    case=case, user=resident.user, text=rng.choice(RESIDENT_REPLIES), now=t
                )
        if normal and rng.random() < 0.08:
            t = yield t + (finish - t) * rng.uniform(0.1, 0.3)
            services.case_reply(
                case=case, actor=handler, text=rng.choice(INTERNAL_NOTES), public=False, now=t
            )
        if normal and crew.secretary and rng.random() < WHISTLE.get(s.item.code, 0):
            t = yield t + (finish - t) * rng.uniform(0.05, 0.2)
            services.case_whistle(
                case=case,
                actor=rng.choice(crew.secretary),
                units=[s.estate.community.parent or s.estate.community],
                note="吹哨报到：请街道综合执法中队、派出所到场联合处置",
                now=t,
            )
        return t

    def _supervise(self, s, case, crew, t, finish):
        """The secretary (or at the top, the subdistrict) presses a slow case. Returns t."""
        rng = s.rng
        if s.fate == "supervised" or (
            s.fate == "normal"
            and crew.secretary
            and (case.escalation_count or finish - t > _h(48))
            and rng.random() < 0.25
        ):
            boss = crew.subdistrict if case.level >= 3 and crew.subdistrict else crew.secretary
            if boss:
                if s.fate == "supervised":
                    at = self.today - _h(rng.uniform(2, 20))
                else:
                    at = _daytime(t + (finish - t) * rng.uniform(0.2, 0.5), rng, 9, 18)
                t = yield max(at, t + _m(1))
                services.case_supervise(
                    case=case,
                    actor=rng.choice(boss),
                    due=t + _h(rng.choice([24, 48, 72])),
                    note=rng.choice(
                        ["请加快办理，按时办结并回复居民", "居民多次反映，请两日内办结"]
                    ),
                    now=t,
                )
        return t

    @staticmethod
    def _done_text(s, case) -> str:
        item = s.item
        return SERVICE_DONE.get(item.code) or (
            DONE.get(item.code, "已处理完毕").format(where=s.tokens["where"])
            if case.kind == Case.Kind.APPEAL
            else f"已按约定时间上门完成{item.name}服务，居民现场确认"
        )

    def _handler(self, s, crew, side):
        """Who signs for the case on this side, and who does the work."""
        rng = s.rng
        item = s.item
        if side == "company":
            desk = crew.desk
            staff = [u for u in desk if u not in crew.managers] or desk
            handler = rng.choice(staff) if rng.random() < 0.7 else rng.choice(desk)
            tech = crew.tech
            if tech and item.code in TECHNICAL and rng.random() < 0.8:
                return handler, rng.choice(tech)
            return handler, handler
        if crew.grid and rng.random() < 0.7:
            handler = rng.choice(crew.grid)
        else:
            handler = rng.choice(crew.community) if crew.community and rng.random() < 0.8 else None
            handler = handler or rng.choice(crew.secretary or crew.community or crew.grid)
        if (
            s.item.kind == Item.Kind.SERVICE
            and item.provider == Item.Provider.PARTNER
            and crew.partner
            and rng.random() < 0.8
        ):
            return handler, rng.choice(crew.partner)
        return handler, handler

    def _extension(self, s, case, crew, requester, t, finish):
        rng = s.rng
        at = t + (case.resolution_due - t) * rng.uniform(0.3, 0.8)
        if s.fate == "extension":
            at = max(t + _m(5), min(at, self.today - _h(rng.uniform(3, 20))))
        t = yield max(at, t + _m(1))
        if t >= case.resolution_due:
            return t, finish
        new_due = case.resolution_due + timedelta(days=rng.choice([3, 5, 7, 10]))
        extension = services.case_request_extension(
            case=case,
            actor=requester,
            reason=rng.choice(EXTENSION_REASONS),
            new_due=new_due,
            now=t,
        )
        if s.fate == "extension":
            return t, finish
        if requester in crew.managers or requester not in crew.desk + crew.tech:
            approvers = [u for u in crew.routers if u != requester]
        else:
            approvers = [u for u in crew.managers if u != requester]
        if not approvers:
            return t, finish
        t = yield t + _h(rng.uniform(0.5, 8))
        approve = rng.random() < 0.9
        services.case_decide_extension(
            extension=extension,
            actor=rng.choice(approvers),
            approve=approve,
            note="同意延期，请按新时限办结" if approve else "不同意延期，请抓紧办理",
            now=t,
        )
        if approve:
            finish = t + (new_due - t) * rng.uniform(0.3, 0.9)
        return t, max(finish, t + _m(30))

    def _verdict(self, s, case, crew, side, handler, worker_, t, *, round_=1):
        """The resident rates (or not), the community follows up, and a case may reopen for a
        second round."""
        rng = s.rng
        resident = self.residents[s.resident_id]
        rates = resident.user is not None and rng.random() < (0.84 if round_ == 1 else 0.7)
        if s.fate == "reopened":
            rates = True
        if not rates:
            yield from self._unrated(s, case, crew, t, round_)
            return
        wait = rng.uniform(2, 30) if s.fate == "reopened" else rng.triangular(0.3, 150, 8)
        t = yield _daytime(t + _h(wait), rng, 7, 23)
        rating = self._rating(s, case, round_)
        reopen = (
            rating == Rating.DISSATISFIED
            and round_ == 1
            and (s.fate == "reopened" or rng.random() < 0.3)
        )
        tags = rng.sample(TAGS[rating], rng.randint(0, 2))
        services.case_rate(
            case=case,
            user=resident.user,
            rating=rating,
            comment=rng.choice(COMMENTS[rating]),
            tags=tags,
            reopen=reopen,
            now=t,
        )
        if s.fate == "reopened" or rating != Rating.DISSATISFIED:
            return
        if not reopen:
            t = yield from self._call_back(s, case, crew, side, handler, t, round_)
            if t is None:
                return
        t = yield from self._second_round(s, case, crew, handler, worker_, t)
        yield from self._verdict(s, case, crew, side, handler, worker_, t, round_=2)

    def _unrated(self, s, case, crew, t, round_):
        """Not rated: the community may call back; else it closes by itself after the waiting
        period (as the worker's sweep does)."""
        rng = s.rng
        routers = crew.routers
        # A reopened case keeps its first rating, so only a follow-up closes it.
        if routers and (round_ > 1 or rng.random() < 0.3):
            t = yield _daytime(t + _h(rng.uniform(20, 120)), rng, 9, 18)
            services.case_follow_up(
                case=case,
                actor=rng.choice(routers),
                solved=True,
                note="电话回访：居民表示问题已解决",
                now=t,
            )
        wait = timedelta(days=settings.CASE_AUTO_CLOSE_DAYS) + _m(rng.uniform(1, 59))
        t = yield case.resolved_at + wait
        if case.status == Status.RESOLVED and not case.rating and not case.followup_needed:
            services.case_auto_close(case=case, now=t)

    @staticmethod
    def _rating(s, case, round_) -> str:
        rng = s.rng
        roll = rng.random()
        late = case.escalation_count > 0 or case.return_count > 0
        dissatisfied_p = 0.3 if late else 0.13
        if s.fate == "reopened":
            return Rating.DISSATISFIED
        if round_ > 1:
            return rng.choices([Rating.SATISFIED, Rating.BASIC, Rating.DISSATISFIED], [55, 35, 10])[
                0
            ]
        if roll < dissatisfied_p:
            return Rating.DISSATISFIED
        return Rating.SATISFIED if rng.random() < 0.82 else Rating.BASIC

    def _call_back(self, s, case, crew, side, handler, t, round_):
        """A dissatisfied resident who did not reopen: the community calls back, and reopens
        it if the problem is still there. Returns t, or None when it was solved."""
        rng = s.rng
        routers = crew.routers
        if not routers:
            return None
        t = yield _daytime(t + _h(rng.uniform(2, 48)), rng, 9, 18)
        solved = round_ > 1 or rng.random() < 0.55
        services.case_follow_up(
            case=case,
            actor=rng.choice(routers),
            solved=solved,
            note="电话回访：居民表示已解释清楚，问题已解决"
            if solved
            else "电话回访：居民反映问题仍未彻底解决，已要求重新办理",
            now=t,
        )
        if solved:
            return None
        t = yield t + _m(rng.uniform(5, 60))
        reopener = handler if side == "company" else rng.choice(routers)
        services.case_reopen(
            case=case, user=reopener, reason="居民反映问题仍未解决，重新办理", now=t
        )
        return t

    def _second_round(self, s, case, crew, handler, worker_, t):
        """Sign for it again, call back, fix it properly. Returns t."""
        rng = s.rng
        t = yield _daytime(t + _m(rng.triangular(10, 240, 40)), rng, 8, 21)
        services.case_accept(case=case, actor=handler, now=t)
        t = yield t + _m(rng.uniform(5, 60))
        services.case_first_response(
            case=case, actor=handler, note="已再次联系居民，约定重新上门处理", now=t
        )
        finish = t + (case.resolution_due - t) * rng.uniform(0.05, 0.4)
        t = yield _daytime(max(finish, t + _m(30)), rng)
        services.case_resolve(
            case=case,
            actor=worker_ if worker_ in crew.desk + crew.tech + crew.grid else handler,
            note="已重新上门彻底处理，并请居民现场确认",
            now=t,
        )
        return t
