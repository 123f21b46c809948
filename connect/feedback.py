"""For a hotline that only has a portal: the feedback sheet of an order, the words staff paste
into the hotline's portal in its own terms (签收, 退单申请, 延期申请, 阶段反馈, 办结), and the
workbook of every answer due today. It says what a hotline with an endpoint is sent
(`connect.callbacks.callback_body`), from the same events."""

from dataclasses import dataclass
from datetime import datetime
from io import BytesIO

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from connect.callbacks import CALLBACKS, callback_body
from connect.models import ExternalOrder
from connect.selectors import AnswerDue


@dataclass
class Sheet:
    order: ExternalOrder
    lines: list[tuple[str, str]]  # (the hotline's heading, what to write under it)

    @property
    def text(self) -> str:
        return "\n".join(f"{heading}：{words}" for heading, words in self.lines)

    def of(self, heading: str) -> str:
        return "\n".join(words for h, words in self.lines if h == heading)


def _when(text: str) -> str:
    return f"{datetime.fromisoformat(text):%Y-%m-%d %H:%M}"


def _line(body: dict) -> tuple[str, str]:
    kind = body["type"]
    if kind == "accepted":
        by = body["accepted_by"]
        who = f"{by['name']}（{by['unit']}）" if by["unit"] else by["name"]
        return _("Signed for"), f"{_when(body['at'])}，{who}"
    if kind == "return_request":
        return _("Return request"), "。".join(w for w in (body["reason_label"], body["note"]) if w)
    if kind == "extension_request":
        asked = _("extension asked until %(due)s") % {"due": _when(body["new_due"])}
        return _("Extension request"), f"{body['reason']}，{asked}"
    if kind == "progress":
        return _("Progress reply"), f"{_when(body['at'])} {body['text']}"
    return _("Result"), body["text"]


def feedback_sheet(order: ExternalOrder) -> Sheet:
    """The sheet of one order (in the platform's language, the hotline's own)."""
    case = order.case
    events = case.events.filter(action__in=list(CALLBACKS)).select_related("actor")
    with translation.override(settings.LANGUAGE_CODE):
        lines = [(_("Order number"), order.number), (_("Tracking number"), case.tracking_no)]
        for event in events.order_by("at", "pk"):
            lines.append(_line(callback_body(order, case, event)))
        if case.resolved_at:
            lines.append(
                (_("Resolved at"), f"{timezone.localtime(case.resolved_at):%Y-%m-%d %H:%M}")
            )
    return Sheet(order=order, lines=lines)


def answers_workbook(answers: list[AnswerDue]) -> bytes:
    """One row per order due, with what to answer under each of the portal's headings."""
    with translation.override(settings.LANGUAGE_CODE):
        headings = [
            _("Order number"),
            _("Tracking number"),
            _("Answer due"),
            _("Time limit"),
            _("Signed for"),
            _("Progress reply"),
            _("Return request"),
            _("Extension request"),
            _("Result"),
            _("Resolved at"),
        ]
        steps = {"sign": _("Sign for"), "complete": _("Completion")}
        book = Workbook()
        sheet = book.active
        sheet.title = _("Answers due")
        sheet.append(headings)
        for answer in answers:
            lines = feedback_sheet(answer.order)
            due = f"{timezone.localtime(answer.due):%Y-%m-%d %H:%M}" if answer.due else ""
            sheet.append(
                [
                    lines.of(headings[0]),
                    lines.of(headings[1]),
                    steps[answer.step],
                    due,
                    *(lines.of(heading) for heading in headings[4:]),
                ]
            )
    out = BytesIO()
    book.save(out)
    return out.getvalue()
