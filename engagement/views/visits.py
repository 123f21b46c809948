"""Door-knock visits: log, list, and turn into a case."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ApplicationError, NotFound
from core.http import query_id
from engagement import selectors, services
from engagement.forms import VisitCaseForm, VisitForm, VisitPlanForm
from orgs.selectors import scope_for


@login_required
def visits(request):
    if not selectors.can_visit(request.user):
        raise NotFound()
    page = Paginator(selectors.visits_for(user=request.user), 30).get_page(request.GET.get("page"))
    plans = selectors.plans_for(user=request.user)[:PLANS_SHOWN]
    context = {"page": page, "plans": plans, "today": timezone.localdate()}
    return render(request, "engagement/visits.html", context)


PLANS_SHOWN = 50


@login_required
def visit_plan_new(request):
    """Plan a door to knock on by a day, for oneself or a colleague of the area."""
    scope = scope_for(request.user)
    if not selectors.can_visit(request.user):
        raise NotFound()
    form = VisitPlanForm(
        request.POST or None,
        buildings=_buildings(scope),
        households=scope.households(),
        visitors=selectors.visitors_for(user=request.user),
        initial={"assignee": request.user.pk, "due_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.visit_plan(
                actor=request.user,
                household=data["household"],
                due_on=data["due_on"],
                assignee=data["assignee"],
                note=data["note"],
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The visit is planned."))
            return redirect("engagement:visits")
    status = 400 if form.errors else 200
    return render(request, "engagement/visit_plan_form.html", {"form": form}, status=status)


@login_required
@require_POST
def visit_plan_drop(request, plan_id):
    plan = selectors.plan_get_for(user=request.user, plan_id=plan_id)
    try:
        services.visit_plan_drop(actor=request.user, plan=plan)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The planned visit is dropped."))
    return redirect("engagement:visits")


def _buildings(scope):
    return scope.buildings().select_related("estate").order_by("estate__name", "id")


@login_required
def visit_new(request):
    scope = scope_for(request.user)
    if not selectors.can_visit(request.user):
        raise NotFound()
    initial = {
        "visited_at": timezone.localtime().replace(second=0, microsecond=0),
        "visitors": str(request.user),
    }
    # The door of a planned visit, from the round (none once it is done: the form still posts).
    plan = selectors.plans_for(user=request.user).filter(pk=query_id(request, "plan")).first()
    if plan is not None:
        initial |= VisitForm.door_of(plan.household)
    form = VisitForm(
        request.POST or None,
        buildings=_buildings(scope),
        households=scope.households(),
        initial=initial,
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
