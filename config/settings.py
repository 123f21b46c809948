"""Settings for every environment. Environments differ only in values read from the environment.

Each helper fails loudly on a malformed value instead of guessing.
"""

import os
import re
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean, got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None


def env_periods(name: str, default: str) -> tuple[tuple[str, str], ...]:
    """Time periods like "08:30-12:00,13:30-17:30" as (("08:30", "12:00"), ...)."""
    value = os.environ.get(name, default)
    periods = []
    for part in value.split(","):
        start, sep, end = part.strip().partition("-")
        if not (sep and re.fullmatch(r"\d{2}:\d{2}", start) and re.fullmatch(r"\d{2}:\d{2}", end)):
            raise ImproperlyConfigured(
                f"{name} must look like 08:30-12:00,13:30-17:30, got {value!r}"
            )
        periods.append((start, end))
    return tuple(periods)


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def env_weights(name: str, default: str, *, count: int) -> tuple[int, ...]:
    """`count` whole numbers like "30,35,35", none negative and not all 0."""
    value = os.environ.get(name, default)
    try:
        weights = tuple(int(part) for part in value.split(","))
    except ValueError:
        weights = ()
    if len(weights) != count or min(weights) < 0 or not sum(weights):
        raise ImproperlyConfigured(
            f"{name} must be {count} whole numbers, not negative nor all 0, "
            f"like {default}, got {value!r}"
        )
    return weights


DEBUG = env_bool("DEBUG", False)
VAR_DIR = Path(env_str("HGJ_VAR_DIR", str(BASE_DIR / "var")))
SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY and (VAR_DIR / "secret_key").exists():  # written by scripts/dev.sh
    SECRET_KEY = (VAR_DIR / "secret_key").read_text().strip()
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
if not SECRET_KEY:
    # A checkout without a key (a maintenance command, a first start) makes its own, as
    # scripts/secret-key.sh does: random, kept in var/, readable by its owner only. Servers
    # behind one address must share one SECRET_KEY (README, "In production").
    key_file = VAR_DIR / "secret_key"
    key_file.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process wrote it a moment ago
        pass
    else:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    SECRET_KEY = key_file.read_text().strip()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
CSRF_FAILURE_VIEW = "core.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "template_partials",
    "ninja",
    "axes",
    "core",
    "orgs",
    "residents",
    "catalog",
    "cases",
    "insights",
    "api",
    "open311",
    "engagement",
    "alliance",
    "care",
    "connect",
    "bench",
    "triage",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "core.middleware.RefusalMiddleware",
    "core.replica.ReplicaMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.navigation",
            ],
        },
    },
]

SILENCED_SYSTEM_CHECKS = []  # each section adds those it silences, saying why

# Database: SQLite (WAL) by default, PostgreSQL through DATABASE_URL.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'hongguanjia.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY; PRAGMA mmap_size=268435456;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # The inbox's covering indexes carry extra columns on PostgreSQL; SQLite keeps the keys.
    SILENCED_SYSTEM_CHECKS.append("models.W040")
else:
    # Only form selects iterate querysets (`ModelChoiceIterator`), over a few hundred rows at
    # most: a server-side cursor there costs three round trips instead of one. Also what a
    # transaction-pooling PgBouncer in front of PostgreSQL requires.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    # No JIT: past ~1 M cases the planner's costs pass PostgreSQL's JIT thresholds, and
    # compiling the dashboard's aggregates took longer than running them (at 150 k, forcing
    # JIT on made the 12-month dashboard's queries 0.47 s → 1.1 s, with inlining 3.9 s).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
# A PostgreSQL read replica (a hot standby streaming from the primary): dashboards, rankings,
# reports, exports and public pages read from it (core.replica); a person who just wrote reads
# from the primary for REPLICA_STICKY_SECONDS. In tests it mirrors the primary's database.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL", "")
REPLICA_STICKY_SECONDS = env_int("REPLICA_STICKY_SECONDS", 15)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60)),
        "DISABLE_SERVER_SIDE_CURSORS": True,
        "OPTIONS": DATABASES["default"].get("OPTIONS", {}),
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache shared by all processes, in the database (nothing else to run): the WeChat access
# token and the triage retraining lock. Rate limits and lock-outs keep their own tables.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "hgj_cache",
    }
}

AUTH_USER_MODEL = "orgs.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Staff lock-out after repeated failures (django-axes, stored in the database).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
# A username is locked after AXES_FAILURE_LIMIT failures from anywhere; an address after
# SIGN_IN_FAILURES_PER_ADDRESS failures on any accounts (orgs.signin). Both for the cool-off.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS.append("axes.W006")  # addresses are limited apart, see orgs.signin
SIGN_IN_FAILURES_PER_ADDRESS = env_int("SIGN_IN_FAILURES_PER_ADDRESS", 20)
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Resident one-time codes.
OTP_TTL_SECONDS = env_int("OTP_TTL_SECONDS", 300)
OTP_MAX_ATTEMPTS = env_int("OTP_MAX_ATTEMPTS", 5)
OTP_SEND_INTERVAL_SECONDS = env_int("OTP_SEND_INTERVAL_SECONDS", 60)
OTP_SENDS_PER_NUMBER_PER_HOUR = env_int("OTP_SENDS_PER_NUMBER_PER_HOUR", 5)
OTP_SENDS_PER_IP_PER_HOUR = env_int("OTP_SENDS_PER_IP_PER_HOUR", 20)
OTP_VERIFY_PER_IP_PER_HOUR = env_int("OTP_VERIFY_PER_IP_PER_HOUR", 60)
SMS_BACKEND = env_str("SMS_BACKEND", "residents.sms.OutboxBackend")

# Cases: notification channels (log, sms, webhook, wechat), auto-close and the worker.
# Of cases.channels.CHANNELS: not "sms", staff have no mobile number on record.
STAFF_NOTIFICATION_CHANNELS = ("log", "webhook", "wechat")
STAFF_NOTIFICATION_CHANNEL = env_choice(
    "STAFF_NOTIFICATION_CHANNEL", "log", STAFF_NOTIFICATION_CHANNELS
)
NOTIFY_WEBHOOK_URL = env_str("NOTIFY_WEBHOOK_URL", "")
# WeChat official account template messages (channel "wechat").
WECHAT_API_BASE = env_str("WECHAT_API_BASE", "https://api.weixin.qq.com")
WECHAT_APP_ID = env_str("WECHAT_APP_ID", "")
WECHAT_APP_SECRET = env_str("WECHAT_APP_SECRET", "")
WECHAT_TEMPLATE_ID = env_str("WECHAT_TEMPLATE_ID", "")
WECHAT_TEMPLATE_FIELD = env_str("WECHAT_TEMPLATE_FIELD", "content")  # the template's text key
# Sign-in through the official account's web authorization (snsapi_base): offered when the app
# id and secret are set. The authorization page is WeChat's own, on this host.
WECHAT_OAUTH_BASE = env_str("WECHAT_OAUTH_BASE", "https://open.weixin.qq.com")
# The platform's own public address (https://hgj.example.cn), for links in what it sends to
# other systems (the published photos of a hotline order's resolution); empty: no links.
SITE_URL = env_str("SITE_URL", "")
CASE_AUTO_CLOSE_DAYS = env_int("CASE_AUTO_CLOSE_DAYS", 7)
BOOKING_HORIZON_DAYS = env_int("BOOKING_HORIZON_DAYS", 60)  # how far ahead a service is booked
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8)
WORKER_INTERVAL_SECONDS = env_int("WORKER_INTERVAL_SECONDS", 5)
CASE_PHOTOS_MAX = 9

# Personal data (README "Personal data"): how long it is kept, and how soon a resident's
# correction or deletion request is answered (working days on the one calendar).
CASE_RETENTION_DAYS = env_int("CASE_RETENTION_DAYS", 3 * 365)  # after a case is closed
CARE_RETENTION_DAYS = env_int("CARE_RETENTION_DAYS", 365)  # after the person leaves care
MESSAGE_RETENTION_DAYS = env_int("MESSAGE_RETENTION_DAYS", 180)  # delivered outbox messages
RIGHTS_REQUEST_WORKING_DAYS = env_int("RIGHTS_REQUEST_WORKING_DAYS", 15)
for _name in (
    "CASE_RETENTION_DAYS",
    "CARE_RETENTION_DAYS",
    "MESSAGE_RETENTION_DAYS",
    "RIGHTS_REQUEST_WORKING_DAYS",
):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be 1 or more, got {globals()[_name]}")
# Who answers questions about personal data, as the rules page names them.
PRIVACY_CONTACT = env_str(
    "PRIVACY_CONTACT", "开平路街道党群服务中心个人信息保护联系人（各社区党群服务中心可代为转交）"
)

# Insights: the composite's weights (response, resolution, satisfaction) and whether
# "basically satisfied" counts as satisfied (reference/governance.md §3).
INSIGHTS_WEIGHTS = env_weights("INSIGHTS_WEIGHTS", "30,35,35", count=3)
INSIGHTS_SATISFIED_INCLUDES_BASIC = env_bool("INSIGHTS_SATISFIED_INCLUDES_BASIC", True)

# Triage: retrain when the active model is this old and enough new labelled cases exist;
# duplicates are open cases of the same item and place within this many days.
TRIAGE_RETRAIN_HOURS = env_int("TRIAGE_RETRAIN_HOURS", 24)
TRIAGE_RETRAIN_MIN_NEW = env_int("TRIAGE_RETRAIN_MIN_NEW", 20)
TRIAGE_DUPLICATE_DAYS = env_int("TRIAGE_DUPLICATE_DAYS", 7)

# REST API: writes per user per minute.
API_WRITES_PER_MINUTE = env_int("API_WRITES_PER_MINUTE", 120)
# Connected systems: orders one system may push per minute (a hotline sends in bursts).
CONNECT_ORDERS_PER_MINUTE = env_int("CONNECT_ORDERS_PER_MINUTE", 1200)

# Office hours for working-time clocks, local time: "08:30-12:00,13:30-17:30".
OFFICE_HOURS = env_periods("OFFICE_HOURS", "08:30-12:00,13:30-17:30")

# Internationalisation: Simplified Chinese by default, English available.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# Static files, served by WhiteNoise. static/vendor/ is filled from the npm packages
# (package-lock.json) by scripts/setup.sh; nothing comes from a CDN.
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"

# Behind HTTPS (HTTPS=1): redirect plain HTTP, HSTS for a year, cookies only over HTTPS, and
# trust the proxy's X-Forwarded-Proto (set it at the proxy, never pass the client's through).
HTTPS = env_bool("HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = HTTPS or env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
# Every page's scripts and styles come from the app's own files: no inline script or style
# is allowed, nor anything from another origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],  # Bootstrap draws a few icons as data: SVG in its CSS
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "hgj": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    },
}
