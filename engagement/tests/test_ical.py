from datetime import timedelta

import pytest

from core.testing import T0
from engagement import ical
from engagement.tests.factories import make_activity

pytestmark = pytest.mark.django_db


def _unfold(body: str) -> list[str]:
    """RFC 5545 §3.1: a CRLF followed by one space continues the previous line."""
    return body.replace("\r\n ", "").split("\r\n")[:-1]


def _calendar(activities):
    return ical.calendar(
        activities, now=T0, url_for=lambda a: f"https://hgj.example/a/{a.pk}/", name="社区活动"
    )


def test_ical_one_activity_has_the_required_structure(eng):
    activity = eng.activity

    body = _calendar([activity])

    lines = _unfold(body)
    assert body.endswith("\r\n") and "\n" not in body.replace("\r\n", "")
    assert lines[:5] == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Hongguanjia//Engagement//ZH",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    event = lines[lines.index("BEGIN:VEVENT") : lines.index("END:VEVENT") + 1]
    assert event[:7] == [
        "BEGIN:VEVENT",
        f"UID:activity-{activity.pk}@hongguanjia",
        "DTSTAMP:20261125T010000Z",
        "DTSTART:20261126T010000Z",
        "DTEND:20261126T023000Z",
        "SUMMARY:亲子武术",
        "LOCATION:先锋驿站",
    ]
    assert lines[-1] == "END:VCALENDAR"
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 1


def test_ical_folds_long_lines_at_75_octets_without_splitting_characters(eng):
    activity = make_activity(
        eng.venue,
        title="城市书坊·阅伴童年",
        description="志愿者陪孩子读绘本、讲故事；借阅图书，分享读书心得。" * 6,
        starts_at=T0 + timedelta(days=2),
    )

    body = _calendar([activity])

    raw = body.split("\r\n")[:-1]
    assert max(len(line.encode("utf-8")) for line in raw) <= 75
    assert sum(1 for line in raw if line.startswith(" ")) >= 5
    for line in raw:
        line.encode("utf-8").decode("utf-8")  # every piece is whole UTF-8
    description = next(line for line in _unfold(body) if line.startswith("DESCRIPTION:"))
    assert description == (
        "DESCRIPTION:社区党委\\n5–12岁儿童及家长\\n"
        + "志愿者陪孩子读绘本、讲故事；借阅图书，分享读书心得。" * 6
        + f"\\nhttps://hgj.example/a/{activity.pk}/"
    )


def test_ical_escapes_text_values():
    assert ical.escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_ical_fold_keeps_short_lines_and_splits_long_ones():
    assert ical.fold("SUMMARY:short") == "SUMMARY:short"
    folded = ical.fold("X:" + "é" * 80)
    pieces = folded.split("\r\n")
    assert [len(p.encode()) for p in pieces] == [74, 75, 15]
    assert "".join(p.removeprefix(" ") for p in pieces) == "X:" + "é" * 80


def test_ical_calendar_of_several_activities(eng):
    second = make_activity(eng.venue, title="健康义诊", starts_at=T0 + timedelta(days=3))

    lines = _unfold(_calendar([eng.activity, second]))

    uids = [line for line in lines if line.startswith("UID:")]
    assert uids == [
        f"UID:activity-{eng.activity.pk}@hongguanjia",
        f"UID:activity-{second.pk}@hongguanjia",
    ]
