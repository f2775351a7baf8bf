"""Settings, configured from the environment only (one module for every deployment).

Required in production: SECRET_KEY, DATABASE_URL, REDIS_URL, BASE_DOMAIN.
The dev runner and the test command fill DATABASE_URL / REDIS_URL with
embedded servers when they are not set.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

from backend.observability.logs import logging_config

# Lets Django's generic classes be subscripted at run time (ModelAdmin[Model] etc.).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


def env_list(name: str) -> list[str]:
    """A comma-separated variable as a list, blanks dropped."""
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


# "production" refuses to start with development defaults (see the checks below) and
# turns on HTTPS-only behaviour; docs/security.md lists what it refuses.
DJANGO_ENV = os.environ.get("DJANGO_ENV", "development")
PRODUCTION = DJANGO_ENV == "production"
DEBUG = env_bool("DJANGO_DEBUG")
DEVELOPMENT_SECRET_KEY = "insecure-development-key-never-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "") or DEVELOPMENT_SECRET_KEY
# Retired keys, comma-separated, newest first: links and tokens they signed keep
# working until the key is dropped from this list (docs/security.md, key rotation).
SECRET_KEY_FALLBACKS = [k for k in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if k]

# Hosts: <slug>.<BASE_DOMAIN> serves an authority, BASE_DOMAIN the programme.
BASE_DOMAIN = os.environ.get("BASE_DOMAIN", "localhost").lower()
# Django validates the Host header against these; api.routing answers every host it
# does not serve (inside or outside this list) with the JSON 404 unknown_host before
# anything asks Django for the host, so no request sees Django's HTML 400.
ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("ALLOWED_HOSTS", f"{BASE_DOMAIN},.{BASE_DOMAIN}").split(",")
    if host.strip()
]
TENANT_HOST_CACHE_SECONDS = env_int("TENANT_HOST_CACHE_SECONDS", 30)
# At most this many host names are cached per process (bounded memory at any scale).
TENANT_HOST_CACHE_SIZE = env_int("TENANT_HOST_CACHE_SIZE", 4096)

SHARED_APPS = [
    # Before django_tenants: its migrate_schemas (migrating only the schemas that are
    # behind) overrides django-tenants' command of the same name.
    "tenants",
    "django_tenants",
    "backend.accounts",
    "api",
    "web",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "corsheaders",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "pgtrigger",
    "pghistory",
    "backend.benchmarks",
    "backend.register",
    "backend.methodology",
    "backend.engagement",
    "backend.webhooks",
    "backend.programme",
    "backend.findings",
    "backend.observability",
    "backend.operations",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "pgtrigger",
    "pghistory",
    "backend.proposals",
    "backend.decisions",
    "backend.assessments",
    "backend.consultations",
    "backend.reviews",
    "backend.population",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Authority"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_URLCONF = "backend.urls_public"
ROOT_URLCONF = "backend.urls_tenant"
# TENANT_LIMIT_SET_CALLS stays off: upstream reports wrong-tenant rows after a
# savepoint rollback with it on. tenants.postgresql_backend sets the path once
# per change instead, and forgets it on every rollback.
DATABASE_ROUTERS = (
    "backend.operations.replica.BenchmarkReplicaRouter",
    "django_tenants.routers.TenantSyncRouter",
)

MIDDLEWARE = [
    # Outermost: PostgreSQL or Redis unreachable anywhere inside (the request log's
    # lookup of the signed-in user included) → JSON 503 + Retry-After.
    "api.unavailable.ServiceUnavailableMiddleware",
    # Request id, one log line and latency sample per request, /metrics.
    "backend.observability.middleware.RequestContextMiddleware",
    "api.health.HealthCheckMiddleware",
    "api.routing.AuthorityHostMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Serves admin and the offline Swagger/Redoc assets without a separate web server.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before CommonMiddleware, so preflight and error answers carry the CORS headers too.
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "backend" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

WSGI_APPLICATION = "backend.wsgi.application"

_database = dj_database_url.parse(
    os.environ.get("DATABASE_URL", "postgresql://postgres@localhost/publicbenefit"),
    conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    # Checked before each request reuses a connection: a restarted PostgreSQL is
    # picked up again without restarting the app.
    conn_health_checks=True,
)
# django-tenants' backend, sending SET search_path only when the path changes.
_database["ENGINE"] = "tenants.postgresql_backend"
# An unreachable database fails fast (then answers 503) instead of hanging a worker.
_database.setdefault("OPTIONS", {}).setdefault(
    "connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 3)
)
DATABASES = {"default": _database}
# A streaming replica for benchmark reads (backend/operations/replica.py); in tests it
# mirrors the default database.
if os.environ.get("DATABASE_REPLICA_URL"):
    _replica = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
    _replica["ENGINE"] = "tenants.postgresql_backend"
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = _replica

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
_redis_options = {
    # Fail fast when Redis is unreachable; the client reconnects once it is back.
    "socket_connect_timeout": float(os.environ.get("REDIS_CONNECT_TIMEOUT", "1")),
    "socket_timeout": float(os.environ.get("REDIS_SOCKET_TIMEOUT", "2")),
    "health_check_interval": 30,
}
CACHES = {
    # Only saves work (rendered charts): misses and dropped writes while Redis is down.
    "default": {
        "BACKEND": "backend.core.cache_backends.FailSoftRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "pb",
        "OPTIONS": _redis_options,
    },
    # Rate-limit and lockout counters: errors reach the throttles, which fail closed.
    "throttles": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "pb",
        "OPTIONS": _redis_options,
    },
}
# How long clients are told to wait (Retry-After) when PostgreSQL or Redis is down.
SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS = env_int("SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS", 10)

AUTH_USER_MODEL = "accounts.User"
# Django's email-and-password backend plus the sign-in lockout (api.login_limits).
AUTHENTICATION_BACKENDS = ["api.login_limits.LockoutModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
# The public pages (web/) mark every string for translation; they answer in the
# visitor's language when it is listed here and has a catalogue under
# LOCALE_PATHS. A Welsh authority adds ("cy", "Cymraeg") and web/locale/cy/
# (see docs/public-pages.md).
LANGUAGES = [("en-gb", "English")]
LOCALE_PATHS = [BASE_DIR / "web" / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / ".local" / "static"
# Outside production, serve static files straight from the apps (no collectstatic step).
WHITENOISE_USE_FINDERS = not PRODUCTION
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# CORS (docs/api.md#cors): which browser origins may call the API.
# - CORS_ALLOWED_ORIGINS: comma-separated exact origins, e.g. a frontend's dev server
#   "http://localhost:5173" or "https://app.example.org".
# - CORS_ALLOW_BASE_DOMAIN (default on): any http(s) origin on BASE_DOMAIN or a host under it
#   (the apps served from the programme's own domains), with any port.
# Credentials are allowed so that a session cookie works from an allowed origin; token
# clients send Authorization, which is allowed as a header.
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
CORS_ALLOWED_ORIGIN_REGEXES = (
    [rf"^https?://([a-z0-9-]+\.)*{re.escape(BASE_DOMAIN)}(:\d+)?$"]
    if env_bool("CORS_ALLOW_BASE_DOMAIN", True)
    else []
)
CORS_ALLOW_CREDENTIALS = True
CORS_URLS_REGEX = r"^/api/.*$"
CORS_EXPOSE_HEADERS = ["Content-Disposition", "Retry-After"]
CORS_PREFLIGHT_MAX_AGE = env_int("CORS_PREFLIGHT_MAX_AGE", 3600)

# Session-authenticated writes from those same origins pass the CSRF check.
CSRF_TRUSTED_ORIGINS = [
    f"http://{BASE_DOMAIN}",
    f"http://*.{BASE_DOMAIN}",
    f"https://{BASE_DOMAIN}",
    f"https://*.{BASE_DOMAIN}",
    *CORS_ALLOWED_ORIGINS,
]
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# HTTPS (production): TLS ends at the ingress, which sets X-Forwarded-Proto; Django then
# builds https:// links and redirects plain HTTP, except the probes the kubelet sends
# straight to the pod. HSTS covers every authority's subdomain.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$", r"^readyz/?$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", PRODUCTION)

# Client addresses for every per-address limit (api.client_address): how many proxies
# stand in front of the app and/or their networks. Neither: X-Forwarded-For is ignored.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
TRUSTED_PROXY_NETWORKS = [
    net.strip() for net in os.environ.get("TRUSTED_PROXY_NETWORKS", "").split(",") if net.strip()
]
if os.environ.get("NUM_PROXIES"):
    raise ImproperlyConfigured(
        "NUM_PROXIES is replaced by TRUSTED_PROXY_COUNT / TRUSTED_PROXY_NETWORKS "
        "(see docs/security.md)."
    )

# Sign-in lockout (api.login_limits): failures per account and per client address
# within the window lock sign-in for LOGIN_LOCKOUT_SECONDS.
LOGIN_LOCKOUT_WINDOW_SECONDS = env_int("LOGIN_LOCKOUT_WINDOW_SECONDS", 900)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 900)
LOGIN_LOCKOUT_ACCOUNT_FAILURES = env_int("LOGIN_LOCKOUT_ACCOUNT_FAILURES", 10)
LOGIN_LOCKOUT_ADDRESS_FAILURES = env_int("LOGIN_LOCKOUT_ADDRESS_FAILURES", 50)
# Failed sign-in records (the audit trail) older than this are deleted by a daily beat job.
LOGIN_FAILURE_RETENTION_DAYS = env_int("LOGIN_FAILURE_RETENTION_DAYS", 90)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.StandardPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        "api.filters.FilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "api.schema.ContractAutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    # JSON bodies only: nested bodies cannot be sent as forms, so forms are not offered
    # (the participant import, a file upload, declares multipart itself).
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "login": os.environ.get("LOGIN_THROTTLE_RATE", "20/min"),
        # Password-reset requests and link uses, per client address.
        "password_reset": os.environ.get("PASSWORD_RESET_THROTTLE_RATE", "10/hour"),
        # Public consultation endpoints: per invitation token and per client address.
        "consultation_token": os.environ.get("CONSULTATION_TOKEN_THROTTLE_RATE", "30/min"),
        "consultation_address": os.environ.get("CONSULTATION_ADDRESS_THROTTLE_RATE", "120/min"),
        # Unknown invitation, open-link or feed tokens per client address.
        "token_guess": os.environ.get("TOKEN_GUESS_THROTTLE_RATE", "20/hour"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env_int("TOKEN_TTL_HOURS", 10)),
    "AUTO_REFRESH": False,
    "TOKEN_LIMIT_PER_USER": None,
    "AUTH_HEADER_PREFIX": "Token",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Data sharing for public benefit",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Nullable choices are `nullable: true` on the named enum, not an untyped NullEnum.
    "ENUM_ADD_EXPLICIT_BLANK_NULL_CHOICE": False,
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "tenants.roles.Role",
        "AuthorityRoleEnum": "tenants.roles.AUTHORITY_ROLE_CHOICES",
        "ProposalStatusEnum": "backend.proposals.models.ProposalStatus",
        "AuthorityStatusEnum": "tenants.models.AuthorityStatus",
        "MethodologyVersionStatusEnum": "backend.methodology.models.VersionStatus",
        "AssessmentStatusEnum": "backend.assessments.models.AssessmentStatus",
        "VerdictEnum": "backend.methodology.scoring.VERDICTS",
        "AgreementEnum": "backend.consultations.models.Agreement",
        "AcceptabilityEnum": "backend.consultations.models.Acceptability",
        "ConsultationStatusEnum": "backend.consultations.models.ConsultationStatus",
        "ParticipantSourceEnum": "backend.consultations.models.ParticipantSource",
        "DeliveryStatusEnum": "backend.core.delivery.DeliveryStatus",
        "DataKindEnum": "backend.proposals.models.DataKind",
        "FindingsDimensionEnum": "api.findings_common.DIMENSION_CHOICES",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.contract_postprocess",
    ],
}

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_RESULT_EXPIRES = timedelta(hours=6)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The longest a task may run: the soft limit raises inside the task, the hard one kills
# it. Worker pods' termination grace (deploy/k8s) is longer, so a warm shutdown lets
# every running task finish.
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 900)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 840)

# Consultations: how often beat sweeps for due openings, reminders and closings;
# how long participants' contact details are kept after results are published;
# the link put in invitation emails ({host} is the authority's host, {token} the
# participant's token): by default the public page in web/; point it at an
# external frontend to send residents there instead.
CONSULTATION_SWEEP_SECONDS = env_int("CONSULTATION_SWEEP_SECONDS", 60)
CONSULTATION_RETENTION_DAYS = env_int("CONSULTATION_RETENTION_DAYS", 90)
CONSULTATION_RESPONSE_LINK = os.environ.get(
    "CONSULTATION_RESPONSE_LINK", "http://{host}/consultations/respond/{token}/"
)

# Every email outbox (backend.core.delivery): attempts before a message is marked
# failed, and the exponential backoff between attempts (base doubled, capped).
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 10)
OUTBOX_RETRY_BASE_SECONDS = env_int("OUTBOX_RETRY_BASE_SECONDS", 60)
OUTBOX_RETRY_MAX_SECONDS = env_int("OUTBOX_RETRY_MAX_SECONDS", 6 * 3600)
OUTBOX_SWEEP_SECONDS = env_int("OUTBOX_SWEEP_SECONDS", 60)

# Accounts: a password-reset link lasts PASSWORD_RESET_HOURS; a new member's
# set-your-password link lasts ACCOUNT_INVITE_DAYS (Django checks both against
# PASSWORD_RESET_TIMEOUT, the longer of the two). Links point at {host}.
PASSWORD_RESET_HOURS = env_int("PASSWORD_RESET_HOURS", 1)
# Browser sessions (browsable API, admin); API tokens expire after TOKEN_TTL_HOURS.
SESSION_COOKIE_AGE = env_int("SESSION_HOURS", 12) * 3600
ACCOUNT_INVITE_DAYS = env_int("ACCOUNT_INVITE_DAYS", 7)
PASSWORD_RESET_TIMEOUT = max(PASSWORD_RESET_HOURS * 3600, ACCOUNT_INVITE_DAYS * 86400)
PASSWORD_SET_LINK = os.environ.get(
    "PASSWORD_SET_LINK", "http://{host}/set-password?uid={uid}&token={token}"
)

# The console and file backends write participants' personal links where logs go:
# development only (production refuses them below).
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / ".local" / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@publicbenefit.example")

# Disclosure control (backend/disclosure, docs/disclosure.md): every figure that leaves an
# authority's own view. Counts of 1..THRESHOLD are withheld, with everything derived from
# them (OpenSAFELY's 7); published counts are rounded to the nearest ROUNDING_BASE;
# median, quartiles and best need MIN_CONTRIBUTORS authorities; shares and means carry
# DECIMALS decimals. Quasi-identifier bands hold at least THRESHOLD authorities.
DISCLOSURE_THRESHOLD = env_int("DISCLOSURE_THRESHOLD", 7)
DISCLOSURE_ROUNDING_BASE = env_int("DISCLOSURE_ROUNDING_BASE", 5)
DISCLOSURE_MIN_CONTRIBUTORS = env_int("DISCLOSURE_MIN_CONTRIBUTORS", 5)
DISCLOSURE_DECIMALS = env_int("DISCLOSURE_DECIMALS", 2)
# A burst of changes to one authority causes one refresh, this long after the last.
BENCHMARK_REFRESH_SETTLE_SECONDS = env_int("BENCHMARK_REFRESH_SETTLE_SECONDS", 30)

# Webhooks: delivery timeout, retries (exponential backoff from the base delay,
# capped at 6 hours), how many failed attempts in a row switch an endpoint off,
# how often beat sweeps for due retries. Only https and public addresses may
# receive deliveries unless WEBHOOK_ALLOW_HTTP / WEBHOOK_ALLOWED_NETWORKS say so.
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 5)
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 8)
WEBHOOK_RETRY_BASE_SECONDS = env_int("WEBHOOK_RETRY_BASE_SECONDS", 30)
WEBHOOK_DISABLE_AFTER_FAILURES = env_int("WEBHOOK_DISABLE_AFTER_FAILURES", 20)
WEBHOOK_SWEEP_SECONDS = env_int("WEBHOOK_SWEEP_SECONDS", 30)
WEBHOOK_ALLOW_HTTP = env_bool("WEBHOOK_ALLOW_HTTP")
WEBHOOK_ALLOWED_NETWORKS = [
    network for network in os.environ.get("WEBHOOK_ALLOWED_NETWORKS", "").split(",") if network
]

# Every handler scrubs invitation tokens and feed secrets (backend.core.log_scrubbing).
# JSON lines with request id, authority, user id and task id (backend/observability);
# LOG_FORMAT=plain gives readable lines with the same context (the dev runner's default).
# Benefit reviews: an approval without a date is reviewed this many months later;
# the owner is reminded REVIEW_REMINDER_DAYS before, and on the day; the sweep runs
# every REVIEW_SWEEP_SECONDS. REVIEW_LINK is where the emails send the owner.
REVIEW_DEFAULT_MONTHS = env_int("REVIEW_DEFAULT_MONTHS", 12)
REVIEW_REMINDER_DAYS = env_int("REVIEW_REMINDER_DAYS", 14)
REVIEW_SWEEP_SECONDS = env_int("REVIEW_SWEEP_SECONDS", 300)
REVIEW_LINK = os.environ.get("REVIEW_LINK", "http://{host}/api/v1/reviews/{review_id}")

LOGGING = logging_config(
    level=os.environ.get("LOG_LEVEL", "INFO"),
    json_logs=os.environ.get("LOG_FORMAT", "json" if PRODUCTION else "plain") == "json",
)
APPEND_SLASH = False
# The public pages' forms get an HTML page; everything else the API's JSON error.
CSRF_FAILURE_VIEW = "web.errors.csrf_failure_view"

# django-tenants' migrate (which runs migrate_schemas) and pgtrigger's makemigrations
# each bring their own command; their autodetectors differ only in pgtrigger's trigger
# support, which makemigrations (the one that writes migrations) has.
SILENCED_SYSTEM_CHECKS = ["commands.E001"]
LOGIN_REDIRECT_URL = "/api/docs/"
LOGOUT_REDIRECT_URL = "/api/docs/"


def production_problems() -> list[str]:
    """What keeps these settings from being safe in production (empty: nothing)."""
    problems = []
    if SECRET_KEY == DEVELOPMENT_SECRET_KEY or not os.environ.get("SECRET_KEY"):
        problems.append("SECRET_KEY is unset or the development key")
    elif len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-"):
        problems.append("SECRET_KEY is weak (fewer than 50 characters or 5 distinct ones)")
    if DEBUG:
        problems.append("DEBUG is on (DJANGO_DEBUG)")
    if EMAIL_BACKEND.rsplit(".", 2)[-2] in {"console", "filebased"}:
        problems.append(f"EMAIL_BACKEND {EMAIL_BACKEND} writes personal links to logs or disk")
    if not ALLOWED_HOSTS or any(host in {"*", "."} or "*" in host for host in ALLOWED_HOSTS):
        problems.append(f"ALLOWED_HOSTS {ALLOWED_HOSTS} is empty or a wildcard")
    return problems


if PRODUCTION and production_problems():
    raise ImproperlyConfigured(
        "Refusing to start with DJANGO_ENV=production: " + "; ".join(production_problems()) + "."
    )

# Programme findings by scenario (docs/findings.md): a cell needs at least this many
# proposals and authorities behind it, on top of the disclosure threshold on respondents.
FINDINGS_MIN_PROPOSALS = env_int("FINDINGS_MIN_PROPOSALS", 5)
FINDINGS_MIN_AUTHORITIES = env_int("FINDINGS_MIN_AUTHORITIES", 3)
# The protected findings table is recomputed this long after the last fact change.
FINDINGS_REFRESH_SETTLE_SECONDS = env_int("FINDINGS_REFRESH_SETTLE_SECONDS", 30)
