"""Composed reports: the monthly report (page and Excel), public figures, hotspots."""

from dataclasses import dataclass
from io import BytesIO

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from cases.models import Case
from catalog.models import Domain, Item
from insights import selectors, topics
from insights.metrics import Period
from insights.models import MonthlyTopic
from orgs.models import Building, Estate, OrgUnit, PropertyCompany
from orgs.selectors import subtree_q


@dataclass
class MonthlyReport:
    year: int
    month: int
    period: Period
    summary: selectors.Figures
    by_unit: list
    by_company: list
    by_item: list
    overdue: list


def monthly_report(*, user, year: int, month: int) -> MonthlyReport:
    cases = selectors.case_slice(user=user)
    period = Period.month(year, month)

    def named(group, model, key="pk"):
        rows = selectors.figures_by(cases=cases, period=period, group=group)
        objects = {getattr(o, key): o for o in model.objects.filter(**{f"{key}__in": rows})}
        return sorted(
            ((objects[k], f) for k, f in rows.items() if k in objects),
            key=lambda r: -r[1].counts["received"],
        )

    return MonthlyReport(
        year=year,
        month=month,
        period=period,
        summary=selectors.figures(cases=cases, period=period),
        by_unit=named("community", OrgUnit, key="path")
        + [
            (
                unit.name
                if unit.kind == "grid"
                else _("%(unit)s (placed with the community)") % {"unit": unit.name},
                figures,
            )
            for unit, figures in named("grid", OrgUnit, key="path")
        ],
        by_company=named("company", PropertyCompany),
        by_item=named("item", Item)[:30],
        overdue=list(selectors.overdue_cases(cases=cases.cases, now=period.end)[:500]),
    )


def _rate(value):
    return "" if value is None else value


def monthly_workbook(report: MonthlyReport) -> bytes:
    workbook = Workbook()
    headers = [
        _("Received"),
        _("Response rate %"),
        _("Resolution rate %"),
        _("Satisfaction rate %"),
        _("Composite"),
        _("Resolved"),
        _("On-time rate %"),
        _("Returns"),
        _("Reopened"),
        _("Escalated"),
    ]

    def row(f):
        c = f.counts
        return [
            c["received"],
            _rate(f.response_rate),
            _rate(f.resolution_rate),
            _rate(f.satisfaction_rate),
            _rate(f.composite),
            c["resolved"],
            _rate(f.on_time_rate),
            c["returned"],
            c["reopened"],
            c["escalated"],
        ]

    summary = workbook.active
    summary.title = _("Summary")
    summary.append([_("Month"), f"{report.year}-{report.month:02d}"])
    summary.append(headers)
    summary.append(row(report.summary))
    summary.append([_("Average handling hours"), _rate(report.summary.average_hours)])
    summary.append([_("90th percentile handling hours"), _rate(report.summary.p90_hours)])
    summary.append([_("Doorstep services"), report.summary.counts["doorstep"]])
    for title, subject, rows in (
        (_("By unit"), _("Unit"), report.by_unit),
        (_("By company"), _("Property company"), report.by_company),
        (_("By item"), _("Item"), report.by_item),
    ):
        sheet = workbook.create_sheet(title)
        sheet.append([subject, *headers])
        for obj, figures in rows:
            sheet.append([str(obj), *row(figures)])
    _overdue_sheet(workbook, report.overdue)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def _overdue_sheet(workbook, cases) -> None:
    overdue = workbook.create_sheet(_("Overdue"))
    overdue.append(
        [
            _("Tracking number"),
            _("External number"),
            _("Item"),
            _("Estate"),
            _("Owning level"),
            _("Resolve by"),
        ]
    )
    for case in cases:
        overdue.append(
            [
                case.tracking_no,
                case.external_no,
                case.item.label,
                case.estate.name,
                case.owner_unit.name,
                timezone.localtime(case.resolution_due).strftime("%Y-%m-%d %H:%M"),
            ]
        )


def public_figures(*, community: OrgUnit) -> dict:
    """What anyone may see: counts and rates for the last 12 months, nobody's data."""
    area = subtree_q("area_path", [community.path])
    cases = Case.objects.filter(area)
    months = selectors.last_months(12)
    period = Period(months[0][1].start, months[-1][1].end)
    figures = selectors.figures(cases=selectors.Slice(cases, place=area), period=period)
    per_domain = dict(
        cases.filter(period.q("created_at")).values_list("domain_id").annotate(n=Count("pk"))
    )
    return {
        "period": period,
        "figures": figures,
        "domains": [(d, per_domain.get(d.pk, 0)) for d in Domain.objects.all()],
    }


def hotspot_rows(*, cases, period: Period):
    length = period.end - period.start
    previous = Period(period.start - length, period.start)
    ranked = selectors.hotspots(cases=cases, period=period, previous=previous)[:50]
    estates = Estate.objects.in_bulk({e for (e, _i), *_rest in ranked})
    items = Item.objects.in_bulk({i for (_e, i), *_rest in ranked})
    buildings = Building.objects.in_bulk(
        {b for *_row, places in ranked for b, _n in places if b is not None}
    )
    return [
        {
            "estate": estates[e],
            "item": items[i],
            "count": n,
            "previous": p,
            "buildings": [(buildings.get(b), count) for b, count in places],
        }
        for (e, i), n, p, places in ranked
    ]


def topic_effect(*, topic: MonthlyTopic) -> tuple[int, int]:
    """Complaints on the topic's place and item in the 30 days before and after it was taken up."""
    effect = topics.with_effect(MonthlyTopic.objects.filter(pk=topic.pk))
    return effect.values_list("complaints_before", "complaints_after").get()
