"""Small request/response helpers shared by all HTML views."""

from django.shortcuts import render


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def client_ip(request) -> str:
    # Behind a trusted proxy set REMOTE_ADDR correctly there; never trust the header here.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def render_error(request, error):
    """The one HTML rendering of an ApplicationError. Missing and out of scope look the same."""
    template = "404.html" if error.status == 404 else "core/error.html"
    return render(request, template, {"error": error}, status=error.status)
