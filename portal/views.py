from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from care.selectors import due_today_for, local_today
from cases.selectors import round_cases_for
from connect.selectors import systems_for
from engagement.selectors import plans_due_for
from orgs.roles import Role
from orgs.selectors import scope_for, staff_overview_for
from orgs.services import user_elder_mode_set
from portal.context_processors import ELDER_COOKIE
from residents.selectors import resident_count_for, resident_for_user

# A grid worker's home starts with today's round: their area's cases due soonest, the care
# visits due, and the door-knock visits planned for them.
ROUND_ROLES = {Role.GRID_WORKER, Role.MICROGRID_LEADER}
ROUND_SHOWN = 10


def home(request):
    if not request.user.is_authenticated:
        return render(request, "portal/landing.html")
    scope = scope_for(request.user)
    if scope.primary_role == Role.TECHNICIAN:
        return redirect("cases:jobs")  # a technician's day is their jobs
    if scope.is_staff:
        overview = staff_overview_for(user=request.user)
        overview["residents"] = resident_count_for(user=request.user)
        overview["connected"] = systems_for(user=request.user).exists()
        context = {"overview": overview}
        if scope.primary_role in ROUND_ROLES:
            context["round"] = {
                "cases": round_cases_for(user=request.user),
                "care": list(due_today_for(user=request.user)[:ROUND_SHOWN]),
                "plans": list(plans_due_for(user=request.user, today=local_today())[:ROUND_SHOWN]),
                "today": local_today(),
            }
        return render(request, "portal/home_staff.html", context)
    resident = resident_for_user(user=request.user)
    return render(request, "portal/home_resident.html", {"resident": resident})


@require_POST
def elder_mode(request):
    """Turn the elder mode on or off: remembered for the person (signed in) and this browser."""
    on = request.POST.get("on") == "1"
    if request.user.is_authenticated:
        user_elder_mode_set(user=request.user, on=on)
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    response = redirect(target)
    response.set_cookie(ELDER_COOKIE, "1" if on else "0", max_age=365 * 24 * 3600, samesite="Lax")
    return response
