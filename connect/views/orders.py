"""Staff pages of orders coming in: the "needs a place" queue and placing an order, the
order's panel on its case page, and importing a hotline portal's file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.models import Action
from cases.services import case_actions_allowed
from connect import imports, intake, selectors
from connect.forms import ImportUploadForm, ItemConfirmForm, OrderPlaceForm
from core.errors import ApplicationError, NotFound
from core.forms import form_refusal
from core.http import is_htmx
from orgs.address import address_book, address_match
from orgs.roles import Permission
from orgs.selectors import scope_for


def _handler_or_404(request) -> None:
    if not scope_for(request.user).has(Permission.HANDLE_CASES):
        raise NotFound()


@login_required
def queue(request):
    """待定位: orders that wait for a place, and filed ones whose category awaits a check."""
    _handler_or_404(request)
    orders = selectors.orders_to_place_for(user=request.user)
    page = Paginator(orders, 50).get_page(request.GET.get("page"))
    to_confirm = selectors.orders_to_confirm_for(user=request.user)[:50]
    return render(request, "connect/queue.html", {"page": page, "to_confirm": to_confirm})


@login_required
def place(request, order_id):
    order = selectors.order_to_place_get_for(user=request.user, order_id=order_id)
    places = selectors.order_places_for(user=request.user, order=order)
    match = address_match(address_book(estates=places.estates), order.address_text)
    refresh = reverse("connect:place", args=[order.pk])
    if request.method == "POST":
        form = OrderPlaceForm(request.POST, places=places, refresh_url=refresh)
        if form.is_valid():
            try:
                intake.order_place(order=order, actor=request.user, **form.cleaned_data)
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Placed and filed as %(no)s.") % {"no": order.case})
                return redirect("cases:detail", case_id=order.case_id)
    else:
        sure = {"estate": match.estate, "building": match.building, "household": match.household}
        initial = request.GET if is_htmx(request) else sure
        form = OrderPlaceForm(places=places, refresh_url=refresh, initial=initial)
    context = {"order": order, "form": form, "match": match}
    return render(request, "connect/place.html", context)


@login_required
def case_panel(request, case_id):
    """On the staff case page of an order's case: what the other system sent, its clocks
    beside ours, and the category to confirm when triage chose it."""
    order = selectors.order_of_case_for(user=request.user, case_id=case_id)
    case = order.case
    form = None
    to_confirm = order.item_suggested and not order.item_confirmed_at
    if to_confirm and Action.RECLASSIFY in case_actions_allowed(case=case, actor=request.user):
        form = ItemConfirmForm(kind=case.item.kind, initial={"item": case.item_id})
    return render(request, "connect/_case_panel.html", {"order": order, "form": form})


@login_required
@require_POST
def item_confirm(request, case_id):
    order = selectors.order_of_case_for(user=request.user, case_id=case_id)
    form = ItemConfirmForm(request.POST, kind=order.case.item.kind)
    if not form.is_valid():
        raise form_refusal(form)
    intake.order_item_confirm(order=order, actor=request.user, item=form.cleaned_data["item"])
    messages.success(request, _("Category confirmed."))
    return redirect("cases:detail", case_id=case_id)


# ---------------------------------------------------------------------------------------------
# File import


@login_required
def import_list(request):
    """Upload a 12345 portal's export for one of the user's systems; recent imports."""
    systems = selectors.systems_for(user=request.user)
    if not systems.exists():
        raise NotFound()
    form = ImportUploadForm(request.POST or None, request.FILES or None, systems=systems)
    if request.method == "POST" and form.is_valid():
        try:
            name, data = imports.order_file_read(upload=form.cleaned_data["file"])
        except ApplicationError as error:
            form.add_error("file", error.message)
        else:
            batch = imports.order_import_upload(
                system=form.cleaned_data["system"], actor=request.user, name=name, data=data
            )
            return redirect("connect:import", import_id=batch.pk)
    recent = selectors.imports_for(user=request.user)[:20]
    return render(request, "connect/imports.html", {"form": form, "recent": recent})


@login_required
def import_detail(request, import_id):
    """Before: every row's outcome, nothing stored yet. After: what was imported."""
    batch = selectors.import_get_for(user=request.user, import_id=import_id)
    preview = None if batch.imported_at else imports.order_import_preview(batch=batch)
    outcome = request.GET.get("outcome", "")
    rows = [r for r in preview.rows if r.outcome == outcome or not outcome] if preview else []
    counts = preview.counts if preview else batch.counts
    context = {
        "batch": batch,
        "preview": preview,
        "outcome": outcome,
        "counts": [
            (value, label, counts.get(value, 0)) for value, label in imports.Outcome.choices
        ],
        "has_errors": bool(counts.get(imports.Outcome.ERROR)),
        "page": Paginator(rows, 200).get_page(request.GET.get("page")),
    }
    return render(request, "connect/import.html", context)


@login_required
@require_POST
def import_confirm(request, import_id):
    batch = selectors.import_get_for(user=request.user, import_id=import_id)
    try:
        preview = imports.order_import_confirm(batch=batch, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        counts = preview.counts
        messages.success(
            request,
            _("Imported: %(new)d new cases, %(place)d orders that need a place.")
            % {"new": counts["new"], "place": counts["needs_place"]},
        )
    return redirect("connect:import", import_id=batch.pk)


@login_required
def import_template(request):
    _handler_or_404(request)
    response = HttpResponse(imports.order_file_template(), content_type=imports.XLSX)
    response["Content-Disposition"] = (
        "attachment; filename=\"hotline-orders.xlsx\"; filename*=UTF-8''"
        "12345%E5%B7%A5%E5%8D%95%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
    )
    return response
