import hashlib
import json

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
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


# The phone app (PWA): what is installed, and what the service worker keeps on the phone.
SHELL_ASSETS = [
    "vendor/bootstrap/css/bootstrap.min.css",
    "css/app.css",
    "vendor/htmx/htmx.min.js",
    "vendor/bootstrap/js/bootstrap.bundle.min.js",
    "js/app.js",
    "js/offline.js",
    "favicon.svg",
    "icons/icon-192.png",
    "icons/icon-512.png",
]


@require_GET
def web_manifest(request):
    icons = [
        {"src": static(f"icons/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png"}
        for size in (192, 512)
    ]
    icons.append({**icons[-1], "purpose": "maskable"})
    manifest = {
        "name": _("Hongguanjia") + " · " + _("Red Property"),
        "short_name": _("Hongguanjia"),
        "lang": request.LANGUAGE_CODE,
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#c8102e",
        "icons": icons,
    }
    return JsonResponse(
        manifest,
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
def service_worker(request):
    """At the site's root, so that it may serve every page of it. Its name stays; its version is
    the hashed names of the assets it keeps, so a release replaces the cache."""
    offline = reverse("offline")
    shell = [static(path) for path in SHELL_ASSETS] + [offline]
    context = {
        "shell": json.dumps(shell),
        "offline": offline,
        "static_prefix": settings.STATIC_URL
        if settings.STATIC_URL.startswith("/")
        else "/" + settings.STATIC_URL,
        "version": hashlib.sha256("\n".join(shell).encode()).hexdigest()[:12],
    }
    response = render(request, "core/sw.js", context, content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def offline(request):
    return render(request, "core/offline.html")
