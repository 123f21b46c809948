"""Care pages: the list, today's visits (phone first), a recipient, assessments, plan, visits."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from care import selectors, services
from care.forms import (
    AssessmentForm,
    CareVisitForm,
    EnrollForm,
    LeaveForm,
    PlanForm,
    RecipientFilterForm,
    VisitCaseForm,
)
from care.questionnaire import answer_rows
from core.errors import ApplicationError, NotFound
from core.forms import form_refusal
from core.http import client_ip, is_htmx
from engagement.views.visits import visit_to_case_page
from residents.models import Purpose
from residents.selectors import consent_valid


@login_required
def recipient_list(request):
    form = RecipientFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    recipients = selectors.recipient_list_for(
        user=request.user, risk=data.get("risk") or "", query=data.get("q") or ""
    )
    page = Paginator(recipients, 50).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "today": selectors.local_today(),
        "can_manage": selectors.can_manage_care(request.user),
    }
    return render(request, "care/list.html", context)


@login_required
def due_today(request):
    """The grid worker's list for the day: who to visit, overdue first."""
    context = {
        "due": list(selectors.due_today_for(user=request.user)),
        "reassess": list(selectors.reassessments_due_for(user=request.user)[:50]),
        "today": selectors.local_today(),
        "can_manage": selectors.can_manage_care(request.user),
    }
    return render(request, "care/today.html", context)


@login_required
def enroll(request):
    if not selectors.can_manage_care(request.user):
        raise NotFound()
    form = EnrollForm(request.POST or None, candidates=selectors.candidates_for(user=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            recipient = services.recipient_enroll(
                actor=request.user,
                resident=form.cleaned_data["resident"],
                consent=form.consent_given(),
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Enrolled. Please assess them and plan their visits."))
            return redirect("care:recipient", recipient_id=recipient.pk)
    status = 400 if form.errors else 200
    return render(request, "care/enroll.html", {"form": form}, status=status)


@login_required
def recipient_detail(request, recipient_id):
    recipient = selectors.recipient_get_for(user=request.user, recipient_id=recipient_id)
    return render(request, "care/recipient.html", _recipient_context(request, recipient))


@login_required
@require_POST
def recipient_leave(request, recipient_id):
    recipient = selectors.recipient_get_to_manage(user=request.user, recipient_id=recipient_id)
    form = LeaveForm(request.POST)
    try:
        if not form.is_valid():
            raise form_refusal(form)
        services.recipient_leave(
            actor=request.user, recipient=recipient, reason=form.cleaned_data["reason"]
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Care has ended. The records are kept for now, then anonymised.")
        )
    return redirect("care:recipient", recipient_id=recipient.pk)


def _recipient_context(request, recipient) -> dict:
    return {
        "leave_form": LeaveForm(),
        "recipient": recipient,
        "plan": recipient.plan,
        "assessments": selectors.assessments_of(recipient)[:20],
        "visits": selectors.visits_of(recipient)[:30],
        "today": selectors.local_today(),
        "can_manage": selectors.managed_recipients_for(user=request.user)
        .filter(pk=recipient.pk)
        .exists(),
    }


@login_required
@require_POST
def recipient_reveal(request, recipient_id):
    """The number to call and the door, for roles that may see them; each time is logged."""
    recipient = selectors.recipient_get_for(user=request.user, recipient_id=recipient_id)
    services.recipient_contact_reveal(
        actor=request.user, recipient=recipient, ip=client_ip(request)
    )
    if is_htmx(request):
        return render(request, "care/_contact.html", {"r": recipient, "revealed": True})
    return render(
        request, "care/recipient.html", _recipient_context(request, recipient) | {"revealed": True}
    )


@login_required
def assessment_new(request, recipient_id):
    recipient = selectors.recipient_get_to_manage(user=request.user, recipient_id=recipient_id)
    consented = consent_valid(resident=recipient.resident, purpose=Purpose.CARE)
    form = AssessmentForm(request.POST or None, ask_consent=not consented)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_record(
                actor=request.user,
                recipient=recipient,
                answers=form.answers(),
                notes=form.cleaned_data["notes"],
                consent=form.consent_given(),
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Assessed: %(risk)s.") % {"risk": assessment.get_risk_level_display()},
            )
            return redirect("care:recipient", recipient_id=recipient.pk)
    status = 400 if form.errors else 200
    context = {"recipient": recipient, "form": form}
    return render(request, "care/assessment_form.html", context, status=status)


@login_required
def assessment_detail(request, assessment_id):
    """Every view of an assessment is logged before it is shown."""
    assessment = selectors.assessment_get_for(user=request.user, assessment_id=assessment_id)
    services.assessment_view(actor=request.user, assessment=assessment, ip=client_ip(request))
    context = {"assessment": assessment, "rows": answer_rows(assessment.answers)}
    return render(request, "care/assessment.html", context)


def _plan_form(request, recipient):
    plan = recipient.plan
    initial = {
        "visit_every_days": plan.visit_every_days,
        "needs": plan.needs,
        "responsible": plan.responsible_id,
        "volunteers": list(plan.volunteers.values_list("pk", flat=True)),
        "partner": plan.partner_id,
    }
    return PlanForm(request.POST or None, initial=initial, **selectors.plan_choices(recipient))


@login_required
def plan_edit(request, recipient_id):
    recipient = selectors.recipient_get_to_manage(user=request.user, recipient_id=recipient_id)
    form = _plan_form(request, recipient)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(actor=request.user, recipient=recipient, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The care plan is saved."))
            return redirect("care:recipient", recipient_id=recipient.pk)
    status = 400 if form.errors else 200
    context = {"recipient": recipient, "form": form}
    return render(request, "care/plan_form.html", context, status=status)


@login_required
def visit_new(request, recipient_id):
    recipient = selectors.recipient_get_for(user=request.user, recipient_id=recipient_id)
    initial = {
        "visited_at": timezone.localtime().replace(second=0, microsecond=0),
        "visitors": str(request.user),
        "kind": "home",
    }
    form = CareVisitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.visit_log(actor=request.user, recipient=recipient, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The visit is logged."))
            return redirect("care:visit", visit_id=visit.pk)
    status = 400 if form.errors else 200
    context = {"recipient": recipient, "form": form}
    return render(request, "care/visit_form.html", context, status=status)


@login_required
def visit_detail(request, visit_id):
    visit = selectors.visit_get_for(user=request.user, visit_id=visit_id)
    return render(request, "care/visit.html", {"visit": visit, "form": VisitCaseForm()})


@login_required
@require_POST
def visit_to_case(request, visit_id):
    visit = selectors.visit_get_for(user=request.user, visit_id=visit_id)
    return visit_to_case_page(
        request,
        visit,
        file=services.visit_to_case,
        template="care/visit.html",
        done="care:visit",
    )
