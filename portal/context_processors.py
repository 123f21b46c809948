from cases.models import Notification
from cases.selectors import callbacks_waiting
from connect.selectors import orders_to_place_count
from orgs.roles import Permission, Role
from orgs.selectors import scope_for

ELDER_COOKIE = "hgj_elder"  # this browser's choice of the elder mode: "1" or "0"


def elder_mode_of(request) -> bool | None:
    """The elder mode as chosen: the person's (signed in), else this browser's; None if never."""
    chosen = getattr(request.user, "elder_mode", None)
    if chosen is None and request.COOKIES.get(ELDER_COOKIE) in ("0", "1"):
        chosen = request.COOKIES[ELDER_COOKIE] == "1"
    return chosen


def navigation(request):
    """The role-dependent parts of the layout, on every page."""
    scope = scope_for(request.user)
    elder = elder_mode_of(request)
    unread = to_place = callbacks = 0
    if request.user.is_authenticated:
        unread = Notification.objects.filter(user=request.user, read_at__isnull=True).count()
        to_place = orders_to_place_count(user=request.user) if scope.is_staff else 0
        callbacks = callbacks_waiting(user=request.user).count() if scope.is_staff else 0
    return {
        "unread_notifications": unread,
        "orders_to_place": to_place,
        "callbacks_waiting": callbacks,
        "scope": scope,
        "primary_role_label": Role(scope.primary_role).label if scope.primary_role else "",
        "can_view_residents": scope.has(Permission.VIEW_RESIDENTS),
        "can_reveal_personal_data": scope.has(Permission.REVEAL_PERSONAL_DATA),
        "can_manage_resident_data": scope.has(Permission.MANAGE_RESIDENT_DATA),
        "can_route_cases": scope.has(Permission.ROUTE_CASES),
        "elder_mode": bool(elder),
        # Offered once to the public and residents until they choose, yes or no.
        "elder_offer": elder is None and not scope.is_staff,
    }
