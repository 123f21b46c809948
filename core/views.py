from django.db import connection
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.errors import Forbidden
from core.http import render_error


@never_cache
@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # the point of a health check is to report any failure
        return JsonResponse(
            {"status": "error", "database": str(exc.__class__.__name__)}, status=503
        )
    return JsonResponse({"status": "ok", "database": connection.vendor})


def csrf_failure(request, reason=""):
    """A form posted from a page whose session has changed since (signed out or in again
    elsewhere, or left open for days): say so where the user acted, in their language."""
    return render_error(request, Forbidden(_("This page has expired. Reload it and try again.")))
