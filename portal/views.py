from django.shortcuts import render

from connect.selectors import systems_for
from orgs.selectors import scope_for, staff_overview_for
from residents.selectors import resident_count_for, resident_for_user


def home(request):
    if not request.user.is_authenticated:
        return render(request, "portal/landing.html")
    scope = scope_for(request.user)
    if scope.is_staff:
        overview = staff_overview_for(user=request.user)
        overview["residents"] = resident_count_for(user=request.user)
        overview["connected"] = systems_for(user=request.user).exists()
        return render(request, "portal/home_staff.html", {"overview": overview})
    resident = resident_for_user(user=request.user)
    return render(request, "portal/home_resident.html", {"resident": resident})
