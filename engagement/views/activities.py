"""Activities: the public calendar and pages, residents' sign-ups, hours and profile."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ApplicationError, NotFound
from engagement import ical, selectors, services
from engagement.forms import CalendarFilterForm, HoursReportForm, ProfileForm, SignupForm
from engagement.models import Signup
from residents.selectors import resident_for_user


def calendar(request):
    form = CalendarFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    activities = selectors.upcoming_activities(
        community_id=data["community"].pk if data.get("community") else None,
        domain_code=data["domain"].code if data.get("domain") else "",
    )
    page = Paginator(activities, 30).get_page(request.GET.get("page"))
    return render(request, "engagement/calendar.html", {"form": form, "page": page})


def _ics_response(activities, *, request, name: str, filename: str) -> HttpResponse:
    body = ical.calendar(
        activities,
        now=timezone.now(),
        url_for=lambda a: request.build_absolute_uri(reverse("engagement:activity", args=[a.pk])),
        name=name,
    )
    response = HttpResponse(body.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def calendar_ics(request):
    form = CalendarFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    activities = selectors.upcoming_activities(
        community_id=data["community"].pk if data.get("community") else None
    )[:500]
    return _ics_response(
        activities, request=request, name=_("Community activities"), filename="activities.ics"
    )


def activity_ics(request, activity_id):
    activity = selectors.activity_get_public(activity_id=activity_id)
    return _ics_response(
        [activity], request=request, name=activity.title, filename=f"activity-{activity.pk}.ics"
    )


def _activity_context(request, activity, form=None):
    resident = resident_for_user(user=request.user)
    mine = list(selectors.signups_for_activity(user=request.user, activity=activity))
    if resident is not None and form is None:
        form = SignupForm(
            members=selectors.household_members(resident),
            volunteers_wanted=activity.volunteer_capacity > 0,
            initial={"resident": resident.pk},
        )
    return {
        "activity": activity,
        "resident": resident,
        "form": form,
        "mine": mine,
        "open": activity.starts_at > timezone.now() and not activity.is_cancelled,
    }


def activity_detail(request, activity_id):
    activity = selectors.activity_get_public(activity_id=activity_id)
    return render(request, "engagement/activity.html", _activity_context(request, activity))


def _signup_message(signup: Signup) -> str:
    if signup.status == Signup.Status.CONFIRMED:
        return _("%(name)s is signed up. Check-in code: %(code)s.") % {
            "name": signup.resident,
            "code": signup.code,
        }
    return _("The activity is full: %(name)s is number %(n)d on the waitlist.") % {
        "name": signup.resident,
        "n": selectors.waitlist_position(signup),
    }


@login_required
@require_POST
def activity_signup(request, activity_id):
    resident = resident_for_user(user=request.user)
    activity = selectors.activity_get_public(activity_id=activity_id)
    if resident is None:
        raise NotFound()
    form = SignupForm(
        request.POST,
        members=selectors.household_members(resident),
        volunteers_wanted=activity.volunteer_capacity > 0,
    )
    if form.is_valid():
        try:
            signup = services.signup_create(
                activity=activity,
                resident=form.cleaned_data["resident"],
                user=request.user,
                as_volunteer=form.cleaned_data.get("as_volunteer", False),
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _signup_message(signup))
            return redirect("engagement:activity", activity_id=activity.pk)
    context = _activity_context(request, activity, form=form)
    return render(request, "engagement/activity.html", context, status=400)


@login_required
@require_POST
def signup_cancel(request, signup_id):
    signup = selectors.signup_get_for_resident(user=request.user, signup_id=signup_id)
    try:
        services.signup_cancel(signup=signup, user=request.user)
    except NotFound:
        raise  # missing and out of scope: the one 404 answer
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Cancelled: %(name)s.") % {"name": signup.resident})
    return redirect("engagement:mine")


@login_required
def mine(request):
    now = timezone.now()
    signups = list(selectors.resident_signups(user=request.user)[:100])
    # Coming ones first, soonest at the top; then the past, latest first.
    signups.sort(key=lambda s: (s.activity.ends_at <= now, abs(s.activity.starts_at - now)))
    for signup in signups:
        signup.can_report = (
            signup.as_volunteer
            and signup.status == Signup.Status.CONFIRMED
            and signup.activity.starts_at <= now
            and signup.resident.user_id == request.user.pk
            and signup.hours_status in (Signup.HoursStatus.NONE, Signup.HoursStatus.REJECTED)
        )
    context = {
        "signups": signups,
        "notices": selectors.notices_for(user=request.user),
        "hours_form": HoursReportForm(),
        "now": now,
    }
    return render(request, "engagement/mine.html", context)


@login_required
@require_POST
def hours_report(request, signup_id):
    signup = selectors.signup_get_for_resident(user=request.user, signup_id=signup_id)
    form = HoursReportForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(e for errors in form.errors.values() for e in errors)
        messages.error(request, errors)
        return redirect("engagement:mine")
    try:
        services.hours_report(
            signup=signup,
            user=request.user,
            hours=form.cleaned_data["hours"],
            note=form.cleaned_data["note"],
        )
    except NotFound:
        raise  # missing and out of scope: the one 404 answer
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your hours were sent for approval."))
    return redirect("engagement:mine")


@login_required
def profile(request):
    resident = resident_for_user(user=request.user)
    if resident is None:
        raise NotFound()
    current = getattr(resident, "volunteer_profile", None)
    initial = (
        {"skills": current.skills, "show_party_identity": current.show_party_identity}
        if current
        else None
    )
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.volunteer_profile_save(user=request.user, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your volunteer profile was saved."))
            return redirect("engagement:profile")
    is_party_member = resident.tags.filter(code="party_member").exists()
    context = {"form": form, "is_party_member": is_party_member}
    return render(request, "engagement/profile.html", context, status=400 if form.errors else 200)


@login_required
def volunteers(request):
    roster = list(selectors.party_roster())
    for profile in roster:
        profile.hours = selectors.minutes_as_hours(profile.minutes)
    return render(request, "engagement/volunteers.html", {"roster": roster})
