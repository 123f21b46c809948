"""iCalendar (RFC 5545) for activities, written by hand: no dependency for a hundred lines.

Times are in UTC ("Z"), text is escaped (§3.3.11), lines end in CRLF and are folded so that
no line is longer than 75 octets, never inside a UTF-8 character (§3.1).
"""

from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from residents.redaction import public_text

CRLF = "\r\n"
MAX_OCTETS = 75
PRODID = "-//Hongguanjia//Engagement//ZH"


def escape_text(value: str) -> str:
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> str:
    """Split a content line into 75-octet pieces; continuation lines start with one space."""
    pieces, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = MAX_OCTETS if not pieces else MAX_OCTETS - 1  # the leading space counts
        if size + width > limit:
            pieces.append(current)
            current, size = "", 0
        current += char
        size += width
    pieces.append(current)
    return (CRLF + " ").join(pieces)


def _event(activity, *, now: datetime, url: str) -> list[str]:
    venue = activity.venue
    location = venue.name + (f" {venue.address}" if venue.address else "")
    description = "\n".join(
        part
        for part in (
            activity.organiser,
            activity.audience,
            public_text(activity.description),
            url,
        )
        if part
    )
    return [
        "BEGIN:VEVENT",
        f"UID:activity-{activity.pk}@hongguanjia",
        f"DTSTAMP:{utc(now)}",
        f"DTSTART:{utc(activity.starts_at)}",
        f"DTEND:{utc(activity.ends_at)}",
        f"SUMMARY:{escape_text(activity.title)}",
        f"LOCATION:{escape_text(location)}",
        f"DESCRIPTION:{escape_text(description)}",
        f"CATEGORIES:{escape_text(activity.domain.label)}",
        f"URL:{url}",
        "END:VEVENT",
    ]


def calendar(
    activities: Iterable, *, now: datetime, url_for: Callable[[object], str], name: str
) -> str:
    """A VCALENDAR with one VEVENT per activity."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        "X-WR-TIMEZONE:Asia/Shanghai",
    ]
    for activity in activities:
        lines += _event(activity, now=now, url=url_for(activity))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)
