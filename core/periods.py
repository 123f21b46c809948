"""The one `Period`: the span every figure is counted over (insights, engagement, alliance)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class Period:
    """A half-open span of aware datetimes: `start` is in it, `end` is not.

    Spans of whole days begin and end at local midnight (`TIME_ZONE`), so a month ends at the
    first moment of the next; `first_day` and `last_day` give the local days it touches."""

    start: datetime  # inclusive
    end: datetime  # exclusive

    @classmethod
    def days(cls, first: date, last: date) -> "Period":
        """The local days from `first` up to and including `last`."""
        return cls(_midnight(first), _midnight(last + timedelta(days=1)))

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        following = date(year + month // 12, month % 12 + 1, 1)
        return cls(_midnight(date(year, month, 1)), _midnight(following))

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(_midnight(date(year, 1, 1)), _midnight(date(year + 1, 1, 1)))

    def q(self, field: str) -> Q:
        return Q(**{f"{field}__gte": self.start, f"{field}__lt": self.end})

    @property
    def first_day(self) -> date:
        return timezone.localdate(self.start)

    @property
    def last_day(self) -> date:
        """The last local day the period touches (its end is exclusive)."""
        return timezone.localdate(self.end - timedelta(microseconds=1))
