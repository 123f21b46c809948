"""Staff pages of connected systems: the "needs a place" queue and placing an order, the
order's panel on its case page, and importing a hotline portal's file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.models import Action
from cases.services import case_actions_allowed
from connect import intake, selectors
from connect.forms import ItemConfirmForm, OrderPlaceForm
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
