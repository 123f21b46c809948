from urllib.parse import urlsplit

from django.conf import settings
from django.shortcuts import resolve_url
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode

from core.errors import ApplicationError
from core.http import is_htmx, page_redirect, render_error


class LanguageMiddleware:
    """Simplified Chinese unless the user chose another language with the switch (cookie).

    Unlike Django's LocaleMiddleware, the browser's Accept-Language is ignored: residents'
    phones are often set to English while they expect the community's platform in Chinese.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ["Cookie"])
        return response


class RefusalMiddleware:
    """An ApplicationError that a view lets through is rendered here, once for every HTML
    page (`core.http.render_error`): views catch one only to re-render their own form with it.

    The doors keep their own wire formats: the REST API's handlers and the Open311 adapter
    answer their errors themselves, and anything escaping them is not turned into HTML.

    An htmx request from a page whose session has ended would follow the redirect to the
    sign-in form and swap that form into the page: the whole page goes to sign-in instead,
    and comes back to where the user was."""

    DOORS = {"api", "open311"}  # URL namespaces

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_htmx(request) and response.status_code == 302:
            sign_in = resolve_url(settings.LOGIN_URL)
            if urlsplit(response["Location"]).path == sign_in:
                page = urlsplit(request.headers.get("HX-Current-URL", ""))
                back = page.path + (f"?{page.query}" if page.query else "")
                response = page_redirect(request, f"{sign_in}?{urlencode({'next': back or '/'})}")
        return response

    def process_exception(self, request, exception):
        if not isinstance(exception, ApplicationError):
            return None
        match = request.resolver_match
        if match is not None and self.DOORS.intersection(match.namespaces):
            return None
        return render_error(request, exception)
