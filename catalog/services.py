"""Writes to the catalogue: the holiday calendar, seed content and catalogue rows."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from catalog.clock import chinese_calendar_exceptions
from catalog.models import (
    CalendarDay,
    CalendarYear,
    Category,
    Domain,
    Item,
    RoutingRule,
    ServiceList,
    SlaPolicy,
)
from catalog.selectors import day_calendar_forget

SEED_PATH = Path(__file__).parent / "seed" / "catalogue.json"
DEFAULT_EMERGENCY_WORDS = "漏水 跑水 爆管 水管爆裂 燃气 煤气 电梯困人 困在电梯 起火 着火 冒烟 触电"


@transaction.atomic
def calendar_year_enter(
    *, year: int, days: dict[date, tuple[bool, str]], source: str
) -> CalendarYear:
    """Enter a year's official schedule: its holidays and adjusted workdays replace any
    entered before, and the year counts as known, so its deadlines are no longer provisional.
    (Cases recompute provisional deadlines when their year becomes known.)"""
    strays = [d for d in days if d.year != year]
    if strays:
        raise ValueError(f"{strays[0]} is not in {year}.")
    CalendarDay.objects.filter(date__year=year).delete()
    CalendarDay.objects.bulk_create(
        [
            CalendarDay(date=day, is_workday=workday, name=name)
            for day, (workday, name) in sorted(days.items())
        ]
    )
    calendar_year, _created = CalendarYear.objects.update_or_create(
        year=year, defaults={"source": source}
    )
    transaction.on_commit(day_calendar_forget)
    day_calendar_forget()
    return calendar_year


def calendar_sync_from_package(*, first_year: int, last_year: int) -> list[int]:
    """Enter every year in the range that chinesecalendar covers and is not entered yet."""
    entered = []
    known = set(CalendarYear.objects.values_list("year", flat=True))
    for year in range(first_year, last_year + 1):
        if year in known:
            continue
        days = chinese_calendar_exceptions(year)
        if days is None:
            continue
        calendar_year_enter(year=year, days=days, source="chinesecalendar")
        entered.append(year)
    return entered


@transaction.atomic
def catalogue_load_seed(*, path: Path = SEED_PATH) -> int:
    """Load (or update) the published lists from the seed file; returns the number of items.

    Routing: items the property company provides are led by it with the community
    co-handling; everything else by the community side. A default rule carries the
    emergency words.
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    _lists_load(data)
    _items_load(data)
    RoutingRule.objects.get_or_create(
        item=None,
        domain=None,
        estate=None,
        defaults={
            "lead": RoutingRule.Party.COMMUNITY,
            "co_handle": True,
            "emergency_words": DEFAULT_EMERGENCY_WORDS,
            "note": "默认规则",
        },
    )
    return len(data["items"])


def _lists_load(data: dict) -> None:
    """The colour domains, the published lists and their categories."""
    for sort, row in enumerate(data["domains"]):
        Domain.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "name_en": row.get("name_en", ""),
                "color": row["color"],
                "description": row["description"],
                "sort": sort,
            },
        )
    for sort, row in enumerate(data["lists"]):
        ServiceList.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "name_en": row.get("name_en", ""),
                "description": row["description"],
                "sort": sort,
            },
        )
    lists = {s.code: s for s in ServiceList.objects.all()}
    for row in data["categories"]:
        Category.objects.update_or_create(
            code=row["code"],
            defaults={
                "service_list": lists[row["list"]],
                "name": row["name"],
                "name_en": row.get("name_en", ""),
                "sort": row["sort"],
            },
        )


def _items_load(data: dict) -> None:
    """The items; an appeal without a routing rule gets one, led by its provider's side."""
    lists = {s.code: s for s in ServiceList.objects.all()}
    categories = {c.code: c for c in Category.objects.all()}
    domains = {d.code: d for d in Domain.objects.all()}
    policies = {p.code: p for p in SlaPolicy.objects.all()}
    for row in data["items"]:
        item, _created = Item.objects.update_or_create(
            code=row["code"],
            defaults={
                "service_list": lists[row["list"]],
                "category": categories[row["category"]],
                "domain": domains[row["domain"]],
                "name": row["name"],
                "name_en": row.get("name_en", ""),
                "description": row["description"],
                "kind": row["kind"],
                "provider": row["provider"],
                "fee": Decimal(row["fee"]) if row["fee"] else None,
                "fee_note": row["fee_note"],
                "service_hours": row["service_hours"],
                "booking_hours": row.get("booking_hours", ""),
                "how_to_request": row["how_to_request"],
                "sla": policies[row["sla"]],
                "keywords": " ".join(row["keywords"]),
                "is_sensitive": row.get("sensitive", False),
            },
        )
        if item.kind == Item.Kind.APPEAL and not item.routing_rules.exists():
            lead = (
                RoutingRule.Party.PROPERTY_COMPANY
                if item.provider == Item.Provider.PROPERTY_COMPANY
                else RoutingRule.Party.COMMUNITY
            )
            RoutingRule.objects.create(item=item, lead=lead, co_handle=True)
