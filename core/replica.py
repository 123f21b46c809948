"""Reads from a PostgreSQL read replica, when `DATABASE_REPLICA_URL` names one.

Only views marked `@replica_reads` read from it: dashboards, rankings, reports, exports and
public pages, whose figures may be a moment old. Everything else, every write, and every read
inside a transaction (which must see its own writes) uses the primary. A person who has just
written (any request that is not GET or HEAD) carries a cookie for `REPLICA_STICKY_SECONDS`,
and until it runs out their reads stay on the primary too, so they never miss what they did.

Sessions, sign-in lockouts, rate counters and the cache are always the primary's. The replica
is a hot standby of the primary (streaming replication); `scripts/with-replica.sh` starts one
beside a throwaway primary and runs the tests against both.
"""

from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
WROTE_COOKIE = "hgj_wrote"
PRIMARY_ONLY = {"sessions", "axes", "core", "django_cache"}
SAFE_METHODS = {"GET", "HEAD"}

_reading = ContextVar("replica_reads", default=False)


def replica_reads(view):
    """Mark a view whose reads may come from the replica."""
    view.replica_reads = True
    return view


def replica_enabled() -> bool:
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if (
            _reading.get()
            and model._meta.app_label not in PRIMARY_ONLY
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same database, one of them a copy

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS  # the replica follows the primary's schema


class ReplicaMiddleware:
    """Turns replica reads on for a marked view (unless the person has just written), and
    marks a person who writes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        token = getattr(request, "_replica_token", None)
        if token is not None:
            _reading.reset(token)
        if request.method not in SAFE_METHODS and replica_enabled():
            response.set_cookie(
                WROTE_COOKIE,
                "1",
                max_age=settings.REPLICA_STICKY_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if (
            getattr(view_func, "replica_reads", False)
            and request.method in SAFE_METHODS
            and WROTE_COOKIE not in request.COOKIES
            and replica_enabled()
        ):
            request._replica_token = _reading.set(True)
