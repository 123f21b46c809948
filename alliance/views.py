"""Alliance pages: the partners, a partner's pledges against delivered work, agreements."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance import selectors, services
from alliance.forms import ActivityLinkForm, AgreementForm, PartnerForm, PledgeForm, YearForm
from alliance.models import Partner
from core.errors import ApplicationError, NotFound
from core.periods import Period


@login_required
def partner_list(request):
    kind = request.GET.get("kind", "")
    kind = kind if kind in Partner.Kind.values else ""
    context = {
        "partners": selectors.partner_list_for(user=request.user, kind=kind),
        "kind": kind,
        "kinds": Partner.Kind.choices,
        "can_manage": selectors.can_manage(user=request.user),
    }
    return render(request, "alliance/list.html", context)


@login_required
def partner_new(request):
    communities = selectors.manageable_communities(user=request.user)
    if not communities.exists():
        raise NotFound()
    form = PartnerForm(request.POST or None, communities=communities)
    if request.method == "POST" and form.is_valid():
        try:
            partner = services.partner_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("%(name)s joined the alliance.") % {"name": partner})
            return redirect("alliance:partner", partner_id=partner.pk)
    status = 400 if form.errors else 200
    return render(request, "alliance/partner_form.html", {"form": form}, status=status)


@login_required
def partner_detail(request, partner_id):
    partner = selectors.partner_get_for(user=request.user, partner_id=partner_id)
    now = timezone.now()
    form = YearForm(request.GET or None)
    year = (form.cleaned_data.get("year") if form.is_valid() else None) or now.year
    context = {
        "partner": partner,
        "year": year,
        "years": range(now.year, now.year - 5, -1),
        "delivery": selectors.partner_delivery(partner=partner, period=Period.year(year), now=now),
        "agreements": partner.agreements.select_related("community"),
        "may_read_agreements": selectors.may_read_agreements(user=request.user, partner=partner),
        "today": timezone.localdate(now),
        "can_manage": selectors.can_manage(user=request.user, partner=partner),
    }
    return render(request, "alliance/partner.html", context)


def _manage(request, partner_id):
    return selectors.partner_get_to_manage(user=request.user, partner_id=partner_id)


@login_required
def agreement_new(request, partner_id):
    partner = _manage(request, partner_id)
    form = AgreementForm(
        request.POST or None, request.FILES or None, communities=partner.communities.all()
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_create(actor=request.user, partner=partner, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error("upload" if error.code == "upload_refused" else None, error.message)
        else:
            messages.success(request, _("The agreement is recorded."))
            return redirect("alliance:partner", partner_id=partner.pk)
    status = 400 if form.errors else 200
    context = {"partner": partner, "form": form}
    return render(request, "alliance/agreement_form.html", context, status=status)


@login_required
def agreement_file(request, agreement_id):
    """The signed file, only to people who see the partner; always as a download."""
    agreement = selectors.agreement_get_for(user=request.user, agreement_id=agreement_id)
    if not agreement.file:
        raise NotFound()
    response = FileResponse(
        agreement.file.open("rb"),
        as_attachment=True,
        filename=agreement.file_name,
        content_type=agreement.file_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def pledge_new(request, partner_id):
    partner = _manage(request, partner_id)
    form = PledgeForm(request.POST or None, partner=partner)
    if request.method == "POST" and form.is_valid():
        try:
            services.pledge_create(actor=request.user, partner=partner, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The pledge is recorded."))
            return redirect("alliance:partner", partner_id=partner.pk)
    status = 400 if form.errors else 200
    context = {"partner": partner, "form": form}
    return render(request, "alliance/pledge_form.html", context, status=status)


@login_required
def activity_link(request, partner_id):
    partner = _manage(request, partner_id)
    form = ActivityLinkForm(request.POST or None, partner=partner)
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_link(actor=request.user, partner=partner, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The activity is counted for the partner."))
            return redirect("alliance:partner", partner_id=partner.pk)
    status = 400 if form.errors else 200
    context = {"partner": partner, "form": form}
    return render(request, "alliance/activity_form.html", context, status=status)
