"""Small request/response helpers shared by all HTML views."""

from django.http import HttpResponse
from django.shortcuts import redirect, render


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def page_redirect(request, url: str) -> HttpResponse:
    """Go to another page: a redirect, or for htmx (which would swap the next page into the
    element that asked) an `HX-Redirect` that loads it as a whole page."""
    if not is_htmx(request):
        return redirect(url)
    response = HttpResponse(status=204)
    response["HX-Redirect"] = url
    return response


def client_ip(request) -> str:
    # Behind a trusted proxy set REMOTE_ADDR correctly there; never trust the header here.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def query_id(request, name: str) -> int:
    """A row id from the query string; 0 (which matches no row) for anything else."""
    return _row_id(request.GET.get(name, ""))


def post_id(request, name: str) -> int:
    """A row id from the posted form; 0 (which matches no row) for anything else."""
    return _row_id(request.POST.get(name, ""))


def _row_id(value: str) -> int:
    return int(value) if value.isascii() and value.isdigit() else 0


def render_error(request, error, *, template="core/refusal.html", context=None):
    """The one HTML rendering of an ApplicationError. Missing and out of scope look the same.

    A page gets the error page. An htmx request gets a fragment that htmx swaps in right after
    the element that made the request (the form, the button, the panel), and the rest of the
    page stays as the user saw it: nothing changed. `base.html` tells htmx to swap 4xx answers;
    `static/js/app.js` places a message the same way for answers that carry no fragment."""
    if not is_htmx(request):
        page = "404.html" if error.status == 404 else "core/error.html"
        return render(request, page, {"error": error}, status=error.status)
    response = render(request, template, {"error": error, **(context or {})}, status=error.status)
    response["HX-Retarget"] = "this"
    response["HX-Reswap"] = "afterend"
    return response
