from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from catalog.models import Domain, Item
from core.errors import Forbidden, NotFound
from core.forms import form_refusal
from core.http import is_htmx, query_id
from core.replica import replica_reads
from insights import reports, selectors, services, topics
from insights.forms import FiguresForm, TopicForm, TopicNoteForm
from insights.metrics import METRICS
from orgs.roles import Permission
from orgs.selectors import community_list, scope_for

RENAMED = {"dispatched": "received"}  # figure names of earlier versions


def _staff_scope(request):
    scope = scope_for(request.user)
    if not scope.is_staff:
        raise NotFound()
    return scope


def _context(request):
    """The filter form, the period and the scoped, sliced cases every figures page uses (a
    `Slice`: its `cases` for lists, the slice itself for figures)."""
    scope = _staff_scope(request)
    form = FiguresForm(request.GET or None, scope=scope)
    period = form.period_value()
    return form, period, selectors.case_slice(user=request.user, **form.slice_value())


def _named(figures_by: dict, group: str) -> list:
    names = selectors.group_names(group=group, keys=figures_by)
    return sorted(
        ((names[k], f) for k, f in figures_by.items() if k in names),
        key=lambda row: -(row[1].counts["received"]),
    )


@login_required
@replica_reads
def dashboard(request):
    form, period, cases = _context(request)
    return render(
        request,
        "insights/dashboard.html",
        {
            "form": form,
            "period": period,
            "query": request.GET.urlencode(),
            **_dashboard_data(cases, period),
        },
    )


def _dashboard_data(cases, period) -> dict:
    figures, by = selectors.figures_and_breakdown(
        cases=cases, period=period, groups=("domain", "estate", "company")
    )
    trend = selectors.monthly_figures(cases=cases, months=selectors.last_months(12))
    by_domain = by["domain"]
    domains = list(Domain.objects.all())
    return {
        "figures": figures,
        "by_estate": _named(by["estate"], "estate"),
        "by_company": _named(by["company"], "company"),
        "by_domain": [(d, by_domain.get(d.pk)) for d in domains],
        "chart": {
            "months": [label for label, _f in trend],
            "response": [f.response_rate for _l, f in trend],
            "resolution": [f.resolution_rate for _l, f in trend],
            "satisfaction": [f.satisfaction_rate for _l, f in trend],
            "received": [f.counts["received"] for _l, f in trend],
            "domains": [
                {
                    "name": d.label,
                    "color": d.color,
                    "value": by_domain[d.pk].counts["received"] if d.pk in by_domain else 0,
                }
                for d in domains
            ],
        },
    }


@login_required
@replica_reads
def screen(request):
    """The full-screen view for the community office; it refreshes itself."""
    form, period, cases = _context(request)
    return render(
        request,
        "insights/screen.html",
        {
            "period": period,
            "overdue": selectors.overdue_cases(cases=cases.cases)[:12],
            **_dashboard_data(cases, period),
        },
    )


@login_required
@replica_reads
def metric_cases(request, metric):
    """The cases behind any figure."""
    if metric in RENAMED:  # links saved before the figure was renamed
        query = f"?{request.GET.urlencode()}" if request.GET else ""
        return redirect(reverse("insights:metric_cases", args=[RENAMED[metric]]) + query)
    form, period, cases = _context(request)
    if metric not in METRICS:
        raise NotFound()
    rows = selectors.cases_for_metric(cases=cases.cases, metric=metric, period=period)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "insights/metric_cases.html",
        {
            "form": form,
            "period": period,
            "page": page,
            "metric_label": METRICS[metric],
        },
    )


@login_required
@replica_reads
def rankings(request):
    form, period, cases = _context(request)
    by = selectors.figures_by_each(cases=cases, period=period, groups=("company", "grid"))
    companies = _named(by["company"], "company")
    grid_figures = by["grid"]
    grids = selectors.group_names(group="grid", keys=grid_figures)
    return render(
        request,
        "insights/rankings.html",
        {
            "form": form,
            "period": period,
            "companies": _ranked(companies),
            "grids": _ranked([(grids[p], f) for p, f in grid_figures.items() if p in grids]),
        },
    )


def _ranked(rows: list) -> list:
    """Highest composite first; rows without a composite (no rated cases) last."""
    return sorted(rows, key=lambda r: (r[1].composite is None, -(r[1].composite or 0)))


def _report_month(request) -> tuple[int, int]:
    value = request.GET.get("month", "")
    try:
        year, month = (int(part) for part in value.split("-"))
        date(year, month, 1)
    except ValueError:
        today = timezone.localdate()
        year, month = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
    return year, month


@login_required
@replica_reads
def monthly_report(request):
    _staff_scope(request)
    year, month = _report_month(request)
    report = reports.monthly_report(user=request.user, year=year, month=month)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            reports.monthly_workbook(report),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="report-{year}-{month:02d}.xlsx"'
        return response
    return render(request, "insights/report.html", {"report": report})


@replica_reads
def transparency(request):
    """Public headline figures (no sign-in, no personal data)."""
    communities = community_list()
    community = communities.filter(pk=query_id(request, "community")).first()
    community = community or communities.first()
    data = reports.public_figures(community=community) if community else None
    return render(
        request,
        "insights/transparency.html",
        {
            "communities": communities,
            "community": community,
            "data": data,
        },
    )


@login_required
@replica_reads
def hotspots(request):
    form, period, cases = _context(request)
    rows = reports.hotspot_rows(cases=cases.cases, period=period)
    return render(
        request,
        "insights/hotspots.html",
        {
            "form": form,
            "period": period,
            "rows": rows,
            "topics": [
                (t, (t.complaints_before, t.complaints_after))
                for t in topics.topic_cards_for(user=request.user)[:50]
            ],
        },
    )


@login_required
def topic_new(request):
    scope = scope_for(request.user)
    if not scope.has(Permission.ROUTE_CASES):
        raise Forbidden()
    estate = scope.estates().filter(pk=query_id(request, "estate")).first()
    item = Item.objects.filter(pk=query_id(request, "item")).first()
    building = scope.buildings().filter(pk=query_id(request, "building")).first()
    if estate is None or item is None:
        raise NotFound()
    people = selectors.topic_owner_candidates(user=request.user)
    form = TopicForm(
        request.POST or None,
        people=people,
        initial={"title": f"{estate.name}{building.name if building else ''}{item.name}"},
    )
    if request.method == "POST" and form.is_valid():
        services.topic_create(
            actor=request.user, estate=estate, building=building, item=item, **form.cleaned_data
        )
        return redirect("insights:hotspots")
    return render(
        request,
        "insights/topic_new.html",
        {"form": form, "estate": estate, "building": building, "item": item},
    )


@login_required
@require_POST
def topic_note(request, topic_id):
    """A progress note on a monthly topic; htmx re-renders the topic's card."""
    topic = topics.topic_get_for(user=request.user, topic_id=topic_id)
    form = TopicNoteForm(request.POST)
    if not form.is_valid():
        raise form_refusal(form)
    services.topic_add_note(topic=topic, actor=request.user, **form.cleaned_data)
    if not is_htmx(request):
        return redirect("insights:hotspots")
    topic.refresh_from_db()
    context = {"topic": topic, "effect": reports.topic_effect(topic=topic)}
    return render(request, "insights/hotspots.html#topic", context)
