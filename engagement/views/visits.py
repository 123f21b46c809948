"""Door-knock visits: log, list, and turn into a case."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ApplicationError, NotFound
from engagement import selectors, services
from engagement.forms import VisitCaseForm, VisitForm
from orgs.selectors import scope_for


@login_required
def visits(request):
    if not selectors.can_visit(request.user):
        raise NotFound()
    page = Paginator(selectors.visits_for(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "engagement/visits.html", {"page": page})


@login_required
def visit_new(request):
    scope = scope_for(request.user)
    if not selectors.can_visit(request.user):
        raise NotFound()
    form = VisitForm(
        request.POST or None,
        buildings=scope.buildings().select_related("estate").order_by("estate__name", "id"),
        households=scope.households(),
        initial={"visited_at": timezone.localtime().replace(second=0, microsecond=0)}
        | {"visitors": str(request.user)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit = services.visit_log(
                actor=request.user,
                household=data["household"],
                visited_at=data["visited_at"],
                visitors=data["visitors"],
                heard=data["heard"],
                idempotency_key=data["idempotency_key"],
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The visit is logged."))
            return redirect("engagement:visit", visit_id=visit.pk)
    status = 400 if form.errors else 200
    return render(request, "engagement/visit_form.html", {"form": form}, status=status)


@login_required
def visit_detail(request, visit_id):
    visit = selectors.visit_get_for(user=request.user, visit_id=visit_id)
    context = {"visit": visit, "form": VisitCaseForm()}
    return render(request, "engagement/visit.html", context)


@login_required
@require_POST
def visit_to_case(request, visit_id):
    visit = selectors.visit_get_for(user=request.user, visit_id=visit_id)
    return visit_to_case_page(
        request,
        visit,
        file=services.visit_to_case,
        template="engagement/visit.html",
        done="engagement:visit",
    )


def visit_to_case_page(request, visit, *, file, template: str, done: str):
    """The answer of every visit-to-case form (door-knock and care visits): `file` (the app's
    visit_to_case service), then back to the visit (`done`, a URL name), or the visit's page
    (`template`) again with the errors."""
    form = VisitCaseForm(request.POST)
    if form.is_valid():
        try:
            case = file(visit=visit, actor=request.user, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Filed as %(no)s.") % {"no": case.tracking_no})
            return redirect(done, visit_id=visit.pk)
    return render(request, template, {"visit": visit, "form": form}, status=400)
