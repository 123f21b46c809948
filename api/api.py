"""The one NinjaAPI: /api/v1, with one router per domain, one error shape for every failure.

Errors: {"code": "...", "message": "...", "fields": {"field": ["problem", ...]}}.
"""

from functools import wraps

from django.conf import settings
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyHeader, HttpBearer, django_auth

from api.services import token_user
from connect.selectors import system_for_key
from core.errors import ApplicationError
from core.ratelimit import rate_limit_check


def _key_user(request, key: str, *, systems_only: bool = False):
    """The user a key signs in: a connected system's key (`hgjc_…`) its service account, with
    the system in `request.connected_system`; else a personal token's owner."""
    system = system_for_key(key=key)
    if system is not None:
        request.user, request.connected_system = system.user, system
        return system.user
    user = None if systems_only else token_user(key=key)
    if user is not None:
        request.user = user
    return user


class BearerToken(HttpBearer):
    """`Authorization: Bearer hgj_…` with a personal API token (or `hgjc_…`, a connected
    system's key)."""

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
    systems_only = True


class SystemKeyHeader(TokenHeader):
    systems_only = True


AUTH = [BearerToken(), TokenHeader(), django_auth]
# What only a connected system may call (its answers): its key, nothing else.
SYSTEM_AUTH = [SystemBearer(), SystemKeyHeader()]

api = NinjaAPI(
    title="Hongguanjia API",
    version="1",
    urls_namespace="api",
    auth=AUTH,
    description="The REST API of Hongguanjia (红管家). Scope rules are the web's: "
    "nobody sees or changes anything outside their area.",
)


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
api.add_router("/connect/answers", "api.routers.connect_answers.router")


@api.get("/ping", auth=None, tags=["status"])
def ping(request):
    """Liveness of the API itself: no database, no sign-in (the benchmark's ceiling)."""
    return {"status": "ok"}
