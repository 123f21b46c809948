"""Triage pages: live suggestions while typing (htmx fragments), the staff case panel and
the model page. Every view only scopes, calls a selector or service and renders."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases.forms import ReportForm
from cases.models import OPEN_STATUSES, Action
from cases.selectors import case_get_for, cases_in_scope, joined_of, public_cases
from cases.services import case_actions_allowed
from core.errors import ApplicationError, NotFound
from orgs.roles import Permission
from orgs.selectors import scope_for
from residents.selectors import places_for
from triage import selectors, services
from triage.forms import SuggestForm


def _place(user, data) -> tuple:
    """The estate and building the form names so far, among the places this person may report
    for ((None, None) when it names none)."""
    households, buildings = places_for(user)
    if data.get("household"):
        household = households.select_related("unit__building__estate").filter(pk=data["household"])
        if household:
            return household[0].unit.building.estate, household[0].unit.building
    if data.get("building"):
        building = buildings.select_related("estate").filter(pk=data["building"]).first()
        if building:
            return building.estate, building
    if data.get("estate"):  # the estate's grounds: an estate of the buildings offered
        building = buildings.select_related("estate").filter(estate_id=data["estate"]).first()
        if building:
            return building.estate, None
    return None, None


@login_required
@require_POST
def suggest(request):
    """The fragment under the description: top items, priority, lead party, duplicates."""
    form = SuggestForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {}
    text = data.get("description") or ""
    estate, building = _place(request.user, data)
    found = selectors.suggest(text=text, estate=estate)
    item = selectors.appeal_item(data.get("item") or "") or found.top
    is_staff = scope_for(request.user).is_staff
    duplicates = []
    if item and estate and len(text.strip()) >= selectors.MIN_TEXT:
        # A resident is told of a neighbour's report only what anyone there may read.
        cases = cases_in_scope(user=request.user) if is_staff else public_cases()
        duplicates = selectors.duplicates_find(
            item=item, estate=estate, building=building, text=text, cases=cases
        )
    context = {
        "found": found,
        "duplicates": duplicates,
        "joined": set()
        if is_staff or not duplicates
        else joined_of(user=request.user, cases=[d.case for d in duplicates]),
        "is_staff": is_staff,
        "chosen": data.get("item") or "",
    }
    return render(request, "triage/_suggest.html", context)


@login_required
@require_GET
def pick(request):
    """One click on a suggestion: the item field comes back with that item chosen."""
    item = selectors.appeal_item(request.GET.get("item", ""))
    form = ReportForm(initial={"item": item.code if item else None})
    return render(request, "triage/_item_field.html", {"field": form["item"]})


@login_required
@require_GET
def case_panel(request, case_id):
    """On the staff case page: item suggestions (one click corrects the item) and open
    cases that look like the same problem (one click merges)."""
    case = case_get_for(user=request.user, case_id=case_id)
    allowed = case_actions_allowed(case=case, actor=request.user)
    # The model knows the problems to report; a booked service keeps the item it booked.
    is_appeal = case.kind == case.Kind.APPEAL
    found = selectors.suggest(text=case.description if is_appeal else "", estate=case.estate)
    duplicates = []
    if case.status in OPEN_STATUSES:
        duplicates = selectors.duplicates_find(
            item=case.item,
            estate=case.estate,
            building=case.building,
            text=case.description,
            now=case.created_at,
            exclude_id=case.pk,
            cases=cases_in_scope(user=request.user),
        )
    context = {
        "case": case,
        "seen": case.events.order_by("-pk").values_list("pk", flat=True).first() or 0,
        "found": found,
        "disagrees": bool(found.shown and found.top.pk != case.item_id),
        "can_correct": Action.RECLASSIFY in allowed,
        "can_merge": Action.MERGE in allowed,
        "duplicates": duplicates,
    }
    return render(request, "triage/_case_panel.html", context)


def _may_manage(user) -> bool:
    return scope_for(user).has(Permission.ROUTE_CASES)


@login_required
def models_page(request):
    """The model versions and how their suggestions fared; retrain now."""
    if not _may_manage(request.user):
        raise NotFound()
    if request.method == "POST":
        try:
            model = services.model_train(actor=request.user, reason="page")
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Model v%(n)s trained and active.") % {"n": model.version})
        return redirect("triage:models")
    context = {
        "models": selectors.model_versions_latest(),
        "figures": selectors.acceptance_by_version(),
    }
    return render(request, "triage/models.html", context)
