"""Staff pages: their activities, check-in from a phone (htmx), hours, venues, figures."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ApplicationError, NotFound
from core.http import is_htmx
from engagement import selectors, services
from engagement.forms import (
    ActivityCancelForm,
    ActivityEditForm,
    ActivityForm,
    CheckInCodeForm,
    FiguresForm,
    VenueForm,
)
from orgs.selectors import scope_for


def _staff_or_404(request):
    if not scope_for(request.user).is_staff:
        raise NotFound()


@login_required
def staff_activities(request):
    _staff_or_404(request)
    past = request.GET.get("when") == "past"
    activities = selectors.activities_for_staff(user=request.user, past=past)
    page = Paginator(activities, 30).get_page(request.GET.get("page"))
    context = {"page": page, "past": past, "can_manage": selectors.can_manage(request.user)}
    return render(request, "engagement/staff_activities.html", context)


@login_required
def activity_new(request):
    venues = selectors.venues_for(user=request.user)
    if not selectors.can_manage(request.user):
        raise NotFound()
    form = ActivityForm(
        request.POST or None, venues=venues, units=selectors.staff_area(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            created = services.activity_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Created %(n)d session(s) of “%(title)s”.")
                % {
                    "n": len(created),
                    "title": created[0].title,
                },
            )
            return redirect("engagement:checkin", activity_id=created[0].pk)
    status = 400 if form.errors else 200
    context = {"form": form, "has_venues": venues.exists()}
    return render(request, "engagement/activity_form.html", context, status=status)


def _activity_to_manage(request, activity_id):
    activity = selectors.activity_get_for_staff(user=request.user, activity_id=activity_id)
    if not selectors.can_manage(request.user):
        raise NotFound()
    return activity


@login_required
def activity_edit(request, activity_id):
    activity = _activity_to_manage(request, activity_id)
    fields = ActivityEditForm.base_fields
    initial = {name: getattr(activity, name) for name in fields if hasattr(activity, name)}
    initial["starts_at"] = timezone.localtime(activity.starts_at)
    initial["ends_at"] = timezone.localtime(activity.ends_at)
    form = ActivityEditForm(
        request.POST or None,
        initial=initial,
        venues=selectors.venues_for(user=request.user),
        in_series=bool(activity.series_id),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        whole_series = data.pop("whole_series", False)
        if data["starts_at"] == activity.starts_at:
            data.pop("starts_at")
        try:
            changed = services.activity_update(
                actor=request.user, activity=activity, whole_series=whole_series, **data
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Saved %(n)d session(s) of “%(title)s”.")
                % {"n": len(changed), "title": changed[0].title},
            )
            return redirect("engagement:checkin", activity_id=activity.pk)
    context = {
        "activity": activity,
        "form": form,
        "cancel_form": ActivityCancelForm(),
    }
    return render(
        request, "engagement/activity_edit.html", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
def activity_cancel(request, activity_id):
    activity = _activity_to_manage(request, activity_id)
    form = ActivityCancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        count = services.activity_cancel(actor=request.user, activity=activity, reason=reason)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("“%(title)s” is cancelled; %(n)d people signed up were told.")
            % {"title": activity.title, "n": count},
        )
    return redirect("engagement:checkin", activity_id=activity.pk)


def _checkin_context(request, activity, **extra):
    return {
        "activity": activity,
        "signups": selectors.roster(activity=activity),
        "code_form": CheckInCodeForm(),
        "can_manage": selectors.can_manage(request.user),
        **extra,
    }


@login_required
def checkin(request, activity_id):
    activity = selectors.activity_get_for_staff(user=request.user, activity_id=activity_id)
    return render(request, "engagement/checkin.html", _checkin_context(request, activity))


def _signup_step(request, signup_id, run, done_message):
    """Check in, check out or review hours for one sign-up; htmx re-renders its row."""
    signup = selectors.signup_get_for_staff(user=request.user, signup_id=signup_id)
    error_message = ""
    try:
        signup = run(signup)
    except NotFound:
        raise  # missing and out of scope: the one 404 answer
    except ApplicationError as error:
        error_message = error.message
        signup.refresh_from_db()
    if is_htmx(request):  # the row carries the message
        context = {
            "signup": signup,
            "row_error": error_message,
            "can_manage": selectors.can_manage(request.user),
        }
        return render(request, "engagement/checkin.html#row", context)
    if error_message:
        messages.error(request, error_message)
    else:
        messages.success(request, done_message % {"name": signup.resident})
    return redirect("engagement:checkin", activity_id=signup.activity_id)


@login_required
@require_POST
def signup_check_in(request, signup_id):
    return _signup_step(
        request,
        signup_id,
        lambda s: services.signup_check_in(signup=s, actor=request.user),
        _("Checked in: %(name)s."),
    )


@login_required
@require_POST
def signup_check_out(request, signup_id):
    return _signup_step(
        request,
        signup_id,
        lambda s: services.signup_check_out(signup=s, actor=request.user),
        _("Checked out: %(name)s."),
    )


@login_required
@require_POST
def hours_review(request, signup_id):
    approve = request.POST.get("approve") == "1"
    return _signup_step(
        request,
        signup_id,
        lambda s: services.hours_review(signup=s, actor=request.user, approve=approve),
        _("Hours approved: %(name)s.") if approve else _("Hours not approved: %(name)s."),
    )


@login_required
@require_POST
def checkin_code(request, activity_id):
    activity = selectors.activity_get_for_staff(user=request.user, activity_id=activity_id)
    form = CheckInCodeForm(request.POST)
    result, failed = "", False
    if form.is_valid():
        try:
            signup = services.signup_check_in_by_code(
                activity=activity, code=form.cleaned_data["code"], actor=request.user
            )
        except ApplicationError as error:
            result, failed = error.message, True
        else:
            result = _("Checked in: %(name)s.") % {"name": signup.resident}
    else:
        result, failed = "; ".join(form.errors["code"]), True
    if is_htmx(request):
        context = _checkin_context(request, activity, result=result, failed=failed)
        return render(request, "engagement/checkin.html#roster", context)
    (messages.error if failed else messages.success)(request, result)
    return redirect("engagement:checkin", activity_id=activity.pk)


@login_required
def venues(request):
    _staff_or_404(request)
    can_manage = selectors.can_manage(request.user)
    communities = selectors.staff_communities(request.user)
    form = VenueForm(request.POST or None, communities=communities) if can_manage else None
    if request.method == "POST":
        if form is None:
            raise NotFound()
        if form.is_valid():
            try:
                venue = services.venue_create(actor=request.user, **form.cleaned_data)
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Venue added: %(name)s.") % {"name": venue.name})
                return redirect("engagement:venues")
    context = {"venues": selectors.venues_for(user=request.user), "form": form}
    return render(
        request, "engagement/venues.html", context, status=400 if form and form.errors else 200
    )


@login_required
def figures(request):
    _staff_or_404(request)
    today = timezone.localdate()
    form = FiguresForm(request.GET or None, initial={"month": f"{today:%Y-%m}"})
    month = form.cleaned_data.get("month") if form.is_valid() else ""
    year, number = (int(p) for p in month.split("-")) if month else (today.year, today.month)
    period = selectors.Period.month(year, number)
    figures = selectors.engagement_figures(user=request.user, period=period)
    context = {"form": form, "figures": figures, "period": period}
    return render(request, "engagement/figures.html", context)
