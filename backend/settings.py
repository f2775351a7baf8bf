"""Settings, configured from the environment only (one module for every deployment).

Required in production: SECRET_KEY, DATABASE_URL, REDIS_URL, BASE_DOMAIN.
The dev runner and the test command fill DATABASE_URL / REDIS_URL with
embedded servers when they are not set.
"""

from __future__ import annotations

import os
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


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


# "production" refuses to start without a real SECRET_KEY and turns on secure cookies.
DJANGO_ENV = os.environ.get("DJANGO_ENV", "development")
PRODUCTION = DJANGO_ENV == "production"
DEBUG = env_bool("DJANGO_DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_ENV=production.")
    SECRET_KEY = "insecure-development-key-never-use-in-production"

# Hosts: <slug>.<BASE_DOMAIN> serves an authority, BASE_DOMAIN the programme.
BASE_DOMAIN = os.environ.get("BASE_DOMAIN", "localhost").lower()
# Hosts are checked by api.routing against BASE_DOMAIN and the Domain table (unknown
# hosts get a JSON 404), so Django's own check would only answer HTML 400s.
ALLOWED_HOSTS = ["*"]
TENANT_HOST_CACHE_SECONDS = env_int("TENANT_HOST_CACHE_SECONDS", 30)

SHARED_APPS = [
    "django_tenants",
    "tenants",
    "backend.accounts",
    "api",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
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
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Authority"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_URLCONF = "backend.urls_public"
ROOT_URLCONF = "backend.urls_tenant"
# TENANT_LIMIT_SET_CALLS stays off: upstream reports wrong-tenant rows after a
# savepoint rollback with it on.
DATABASE_ROUTERS = (
    "backend.operations.replica.BenchmarkReplicaRouter",
    "django_tenants.routers.TenantSyncRouter",
)

MIDDLEWARE = [
    # First: request id, one log line and latency sample per request, /metrics.
    "backend.observability.middleware.RequestContextMiddleware",
    "api.health.HealthCheckMiddleware",
    "api.routing.AuthorityHostMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Serves admin and the offline Swagger/Redoc assets without a separate web server.
    "whitenoise.middleware.WhiteNoiseMiddleware",
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
    conn_health_checks=True,
)
_database["ENGINE"] = "django_tenants.postgresql_backend"
DATABASES = {"default": _database}
# A streaming replica for benchmark reads (backend/operations/replica.py); in tests it
# mirrors the default database.
if os.environ.get("DATABASE_REPLICA_URL"):
    _replica = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
    _replica["ENGINE"] = "django_tenants.postgresql_backend"
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = _replica

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "pb",
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / ".local" / "static"
# Outside production, serve static files straight from the apps (no collectstatic step).
WHITENOISE_USE_FINDERS = not PRODUCTION
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CSRF_TRUSTED_ORIGINS = [
    f"http://{BASE_DOMAIN}",
    f"http://*.{BASE_DOMAIN}",
    f"https://{BASE_DOMAIN}",
    f"https://*.{BASE_DOMAIN}",
]
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.StandardPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "api.schema.RateLimitedAutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "login": os.environ.get("LOGIN_THROTTLE_RATE", "20/min"),
        # Public consultation endpoints: per invitation token and per client address.
        "consultation_token": os.environ.get("CONSULTATION_TOKEN_THROTTLE_RATE", "30/min"),
        "consultation_address": os.environ.get("CONSULTATION_ADDRESS_THROTTLE_RATE", "120/min"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # How many reverse proxies add X-Forwarded-For; per-address rate limits use the
    # client's address behind them (unset: the socket's peer address).
    "NUM_PROXIES": int(os.environ["NUM_PROXIES"]) if os.environ.get("NUM_PROXIES") else None,
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
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
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
# participant's token).
CONSULTATION_SWEEP_SECONDS = env_int("CONSULTATION_SWEEP_SECONDS", 60)
CONSULTATION_RETENTION_DAYS = env_int("CONSULTATION_RETENTION_DAYS", 90)
CONSULTATION_RESPONSE_LINK = os.environ.get(
    "CONSULTATION_RESPONSE_LINK", "http://{host}/api/v1/public/invitations/{token}"
)

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / ".local" / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@publicbenefit.example")

# Benchmark figures from fewer responses or participants than this are withheld.
BENCHMARK_SUPPRESSION_THRESHOLD = env_int("BENCHMARK_SUPPRESSION_THRESHOLD", 5)
# A burst of changes to one authority causes one refresh, this long after the last.
BENCHMARK_REFRESH_SETTLE_SECONDS = env_int("BENCHMARK_REFRESH_SETTLE_SECONDS", 30)

# JSON lines with request id, authority, user id and task id (backend/observability);
# LOG_FORMAT=plain gives readable lines with the same context (the dev runner's default).
LOGGING = logging_config(
    level=os.environ.get("LOG_LEVEL", "INFO"),
    json_logs=os.environ.get("LOG_FORMAT", "json" if PRODUCTION else "plain") == "json",
)
APPEND_SLASH = False
CSRF_FAILURE_VIEW = "api.errors.csrf_failure_view"

# django-tenants' migrate (which runs migrate_schemas) and pgtrigger's makemigrations
# each bring their own command; their autodetectors differ only in pgtrigger's trigger
# support, which makemigrations (the one that writes migrations) has.
SILENCED_SYSTEM_CHECKS = ["commands.E001"]
LOGIN_REDIRECT_URL = "/api/docs/"
LOGOUT_REDIRECT_URL = "/api/docs/"
