"""The one NinjaAPI: /api/v1, with one router per domain, one error shape for every failure.

Errors: {"code": "...", "message": "...", "fields": {"field": ["problem", ...]}}.
"""

from functools import wraps

from django.conf import settings
from django.http import Http404
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, APIKeyHeader, HttpBearer

from api.services import token_user
from connect.selectors import KEY_PREFIX as SYSTEM_KEY_PREFIX
from connect.selectors import system_for_key
from core.errors import ApplicationError
from core.ratelimit import rate_limit_check


def _key_user(request, key: str | None, *, systems_only: bool = False):
    """The user a key acts as: a personal token's owner, or a connected system's service
    account for its key (`hgjc_…`), which also sets `request.connected_system`."""
    if key and key.startswith(SYSTEM_KEY_PREFIX):
        system = system_for_key(key=key)
        user = system.user if system and system.user.is_active else None
        if user is not None:
            request.connected_system = system
    else:
        user = None if systems_only else token_user(key=key)
    if user is not None:
        request.user = user
    return user


class BearerToken(HttpBearer):
    """`Authorization: Bearer hgj_…` with a personal API token (or a system's `hgjc_…`)."""

    systems_only = False

    def authenticate(self, request, token):
        return _key_user(request, token, systems_only=self.systems_only)


class TokenHeader(APIKeyHeader):
    """The same key in `X-API-Key` (handy for clients that cannot set Authorization)."""

    param_name = "X-API-Key"
    systems_only = False

    def authenticate(self, request, key):
        return _key_user(request, key, systems_only=self.systems_only)


class SystemBearer(BearerToken):
    """`Authorization: Bearer hgjc_…`: a connected system's key, nothing else."""

    systems_only = True


class SystemKeyHeader(TokenHeader):
    systems_only = True


class CsrfRefused(ApplicationError):
    code = "csrf"
    status = 403
    default_message = "The CSRF token is missing or wrong: reload the page and try again."


class SiteSession(APIKeyCookie):
    """The site's own session (its pages' scripts, the interactive docs). A request that
    carries a token is judged by its token alone, and one without a signed-in session is
    simply not authenticated (401): only a signed-in session must show the CSRF token on a
    write, as every form of the site does."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request):
        carries_token = "Authorization" in request.headers or "X-API-Key" in request.headers
        if carries_token or not request.user.is_authenticated:
            return None
        try:
            return super()._get_key(request)
        except HttpError:  # ninja's own refusal of a missing or wrong CSRF token
            raise CsrfRefused() from None

    def authenticate(self, request, key):
        return request.user if key else None


AUTH = [BearerToken(), TokenHeader(), SiteSession()]
# What only a connected system may call (its answers and orders): its key, nothing else.
SYSTEM_AUTH = [SystemBearer(), SystemKeyHeader()]

api = NinjaAPI(
    title="Hongguanjia API",
    version="1",
    urls_namespace="api",
    auth=AUTH,
    description="The REST API of Hongguanjia (红管家). Scope rules are the web's: "
    "nobody sees or changes anything outside their area.",
)


class Error(Schema):
    """Every failure of the API, whatever its status."""

    code: str = Field(..., description="What went wrong, for programs: invalid, not_found, …")
    message: str = Field(..., description="What went wrong, in words")
    fields: dict[str, list[str]] = Field(
        ..., description="The problems of each field of the request (empty if none is to blame)"
    )


def errors(*statuses: int) -> dict[int, type[Error]]:
    """An operation's error responses for its `response=`: 400, which any request can get (a
    NUL character in it), and those named (401 without a valid token or session, 403 refused
    or a session's write without its CSRF token, 404 missing or out of scope, 409 changed
    meanwhile or not in that state, 422 parameters or body not as declared, 429 too many
    writes)."""
    return dict.fromkeys((400, *statuses), Error)


def _error(request, status: int, code: str, message: str, fields: dict | None = None):
    return api.create_response(
        request, {"code": code, "message": str(message), "fields": fields or {}}, status=status
    )


@api.exception_handler(ApplicationError)
def application_error(request, exc: ApplicationError):
    return _error(request, exc.status, exc.code, exc.message, exc.data.get("fields"))


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc: NinjaValidationError):
    fields = {}
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", [])]
        name = ".".join(loc[2:] if len(loc) > 2 else loc[1:]) or "body"  # body.payload.field
        fields.setdefault(name, []).append(error.get("msg", "invalid"))
    return _error(request, 422, "invalid", "The request is not valid.", fields)


@api.exception_handler(AuthenticationError)
def authentication_error(request, exc):
    return _error(request, 401, "unauthenticated", "Sign in or send a valid API token.")


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, "not_found", "Not found.")


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return _error(request, exc.status_code, "error", str(exc))


def _refuse_nul(view):
    """PostgreSQL refuses NUL characters in text: refuse them at the door with the one error
    shape (400) instead of failing inside a query."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        query = any("\x00" in text for pair in request.GET.lists() for text in [pair[0], *pair[1]])
        content_type = request.META.get("CONTENT_TYPE", "")
        body = request.body if content_type.startswith("application/json") else b""
        if "\x00" in request.path or query or b"\x00" in body or b"\\u0000" in body:
            return _error(request, 400, "invalid", "Text must not contain NUL characters.")
        return view(request, *args, **kwargs)

    return wrapper


api.add_decorator(_refuse_nul, mode="view")


def limit_writes(request) -> None:
    """Every write counts against the user's per-minute allowance."""
    rate_limit_check(
        key=f"api-write:{request.user.pk}", limit=settings.API_WRITES_PER_MINUTE, window_seconds=60
    )


api.add_router("/catalog", "api.routers.catalog.router")
api.add_router("/orgs", "api.routers.orgs.router")
api.add_router("/cases", "api.routers.cases.router")
api.add_router("/notifications", "api.routers.notifications.router")
api.add_router("/engagement", "api.routers.engagement.router")
api.add_router("/connect", "api.routers.connect.router")
api.add_router("/connect/answers", "api.routers.connect_answers.router")
api.add_router("/connect/webhooks", "api.routers.connect_webhooks.router")


@api.get("/ping", auth=None, tags=["status"], response={200: dict[str, str], **errors()})
def ping(request):
    """Liveness of the API itself: no database, no sign-in (the benchmark's ceiling)."""
    return {"status": "ok"}
