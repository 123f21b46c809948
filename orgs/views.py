from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from core.errors import Forbidden
from orgs.selectors import (
    estate_buildings_for,
    estate_get_for,
    estate_list_for,
    org_unit_tree_for,
    scope_for,
)


@login_required
def structure(request):
    if not scope_for(request.user).is_staff:
        raise Forbidden()
    return render(
        request,
        "orgs/structure.html",
        {
            "units": org_unit_tree_for(user=request.user),
            "estates": estate_list_for(user=request.user),
        },
    )


@login_required
def estate_detail(request, estate_id):
    estate = estate_get_for(user=request.user, estate_id=estate_id)
    return render(
        request,
        "orgs/estate.html",
        {
            "estate": estate,
            "buildings": estate_buildings_for(user=request.user, estate=estate),
        },
    )
