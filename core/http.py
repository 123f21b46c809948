"""Small request/response helpers shared by all HTML views."""

from django.shortcuts import render


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def client_ip(request) -> str:
    # Behind a trusted proxy set REMOTE_ADDR correctly there; never trust the header here.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def query_id(request, name: str) -> int:
    """A row id from the query string; 0 (which matches no row) for anything else."""
    value = request.GET.get(name, "")
    return int(value) if value.isascii() and value.isdigit() else 0


def render_error(request, error):
    """The one HTML rendering of an ApplicationError. Missing and out of scope look the same."""
    template = "404.html" if error.status == 404 else "core/error.html"
    return render(request, template, {"error": error}, status=error.status)
