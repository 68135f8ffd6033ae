"""One settings module, read from the environment.

Defaults are for the quick start (`make run`): a SQLite file under var/ and Celery tasks run in the
web process. Production sets DATABASE_URL, CELERY_BROKER_URL, SECRET_KEY, ALLOWED_HOSTS and leaves
DEBUG off; nothing secret has a default that production could fall back on.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("NANAN_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def installation_secret_key(var_dir: Path) -> str:
    """No secret has a default in code: without SECRET_KEY, each installation generates its own
    random key once, in var/secret_key (mode 600). Several hosts serving one portal must share
    SECRET_KEY through the environment instead."""
    path = var_dir / "secret_key"
    if not path.exists():
        import secrets

        var_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "") or installation_secret_key(VAR_DIR)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "simple_history",
    "axes",
    "csp",
    "core",
    "indicators",
    "assistance",
    "childwelfare",
    "eldercare",
    "orgs",
    "funeral",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.ChineseFirstLocaleMiddleware",
    "core.middleware.ApiErrorsAsJsonMiddleware",
    "core.middleware.NoNullCharactersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.IdleSessionMiddleware",
    "core.middleware.NoStoreWhenSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.jobs.QueueUnavailableMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout response.
    "axes.middleware.AxesMiddleware",
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
                "core.context_processors.portal_menu",
                "core.context_processors.personal",
            ],
        },
    },
]

# Inputs, selects and labels drawn in Python, the same HTML as Django's widget templates (core/renderers.py).
FORM_RENDERER = "core.renderers.PortalFormRenderer"

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    # postgres://user:pass@host:5432/name?sslmode=require (or sqlite:////absolute/path.sqlite3)
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    }
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "nanan.sqlite3",
        }
    }
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The quick start's SQLite builds an index without the columns it only carries for PostgreSQL's
    # index-only reads (payment_line_batch_order's INCLUDE): the same rows, nothing to warn about.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "core.backends.AccountGuardBackend",  # the account-wide lock (below), before any password check
    "core.backends.CachedPermissionsBackend",  # ModelBackend with each user's permission set cached
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
if env_bool("FAST_PASSWORD_HASHER", False):  # tests only: PBKDF2 costs ~0.3 s a login
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login lockout (django-axes): 5 failures of one account from one client address lock that account
# at that address for 30 minutes. Behind the bureau's reverse proxy every desk shares the proxy's
# address, so the lock is never by address alone (one clerk mistyping would lock everyone), and
# with TRUSTED_PROXY_COUNT set the client address is the one the proxy reports. Both login doors
# (page and token endpoint) say when the lock ends; trying again while locked does not move that
# time. An admin unlocks with `manage.py axes_reset_username USERNAME`.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# ... and, so that guessing one password from many addresses is bounded too, this many failures of
# one account from any addresses lock it everywhere for the cool-off (core.backends.AccountGuardBackend).
AXES_ACCOUNT_FAILURE_LIMIT = env_int("AXES_ACCOUNT_FAILURE_LIMIT", 20)
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "core.views.users.locked_out"
AXES_CLIENT_IP_CALLABLE = "core.services.access.client_ip"
AXES_VERBOSE = False
# The client address behind reverse proxies (core.services.access.client_ip): off by default, when
# REMOTE_ADDR is the client. Set it to the number of proxies in front of gunicorn (nginx alone: 1)
# that each append the address they saw to TRUSTED_PROXY_HEADER; the client is that many entries
# from the right, so whatever a client writes into the header itself is never believed.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
TRUSTED_PROXY_HEADER = os.environ.get("TRUSTED_PROXY_HEADER", "X-Forwarded-For")

# Sessions end after 30 minutes without a request, and with the browser.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
# core.middleware.IdleSessionMiddleware slides the idle window at most once a minute instead of
# writing the session on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

# Each process keeps its own small cache (the top menu and the permission sets per user, keyed so
# that a change is never read stale): nothing here depends on Redis, which may be down.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Uploads: a spreadsheet over this size is refused before it is parsed.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 20 * 1024 * 1024)
# Files with more data rows than this import in the background with a progress bar.
IMPORT_BACKGROUND_ROWS = env_int("IMPORT_BACKGROUND_ROWS", 500)
# A sheet is measured before it is read (core.spreadsheets.inspect_workbook): a tiny file can declare a
# million rows × 16,384 columns and make the reader ask for hundreds of GB. Past these, it is refused.
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 100_000)
IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 200)
IMPORT_MAX_CELLS = env_int("IMPORT_MAX_CELLS", 4_000_000)
IMPORT_MAX_UNCOMPRESSED_BYTES = env_int("IMPORT_MAX_UNCOMPRESSED_BYTES", 256 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Security headers. HTTPS is terminated in front of gunicorn in production.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content security policy: everything from the portal itself (the intranet has no internet).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# A token taken for a person's account (every role but the API client) ends after this many hours.
API_TOKEN_HOURS = env_int("API_TOKEN_HOURS", 8)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.RoleModelPermissions"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        # django-filter's, with a filter by a record's id choosing among the user's records only.
        "core.api.record_filters.JurisdictionFilterBackend",
        "rest_framework.filters.OrderingFilter",
        # Last: with ?updated_since= the order is (updated_at, id) whatever the view's default.
        "core.api.filters.UpdatedSinceFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.PortalAutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"auth": "20/min"},
    # The token endpoint's throttle tells clients apart as the lockout does: 0 = REMOTE_ADDR only (a
    # client cannot dodge it with its own X-Forwarded-For); N = the Nth entry from the right.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "南安市民政综合业务平台 API",
    "DESCRIPTION": "Nan'an civil affairs portal REST API (v1). Token: POST /api/v1/auth/token/.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "kind" or a "state": name the assistance ones so the schema is stable.
    "ENUM_NAME_OVERRIDES": {
        "CaseKindEnum": "assistance.models.Case.Kind",
        "CaseStateEnum": "assistance.models.Case.State",
        "PaymentBatchStateEnum": "core.models.PaymentBatch.State",
        "PaymentBatchBuildStateEnum": "core.models.PaymentBatch.BuildState",
        "ImportJobStateEnum": "core.models.ImportJob.State",
        # Choice sets several components share: one name each, stable across releases.
        "ElderFacilityStatusEnum": "eldercare.models.Status",
        "SubsidyKindEnum": "eldercare.models.subsidies.SubsidyKind",
        "VisitGroupEnum": "eldercare.models.visits.VisitGroup",
        "ParentSituationEnum": "childwelfare.models.children.ParentSituation",
        "OrganisationStatusEnum": "orgs.models.Organisation.Status",
        "AnnualReportResultEnum": "orgs.models.AnnualReport.Result",
    },
}

# Celery: without a broker, tasks run eagerly in the web process (quick start only).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 60 * 60
# Tasks are acknowledged when they end, so one whose worker died is delivered again: Redis does so
# once it has gone unacknowledged this long, which must outlast the longest job (the time limit) or
# a job still running would be delivered twice. The worker gives up on a broker connect after 2 s.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", CELERY_TASK_TIME_LIMIT + 15 * 60),
    "socket_connect_timeout": 2,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# A running job beats at least this often (core.jobs); one silent for longer lost its worker, is
# failed with the reason and can be run again. A request whose job cannot be queued within
# JOB_ENQUEUE_TIMEOUT_SECONDS answers 503 and the job is marked failed.
JOB_LEASE_SECONDS = env_int("JOB_LEASE_SECONDS", 10 * 60)
JOB_ENQUEUE_TIMEOUT_SECONDS = 1.5
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    # The leaders' dashboard reads snapshots: recompute the current year every night.
    "recompute-indicators-nightly": {
        "task": "indicators.recompute_current_year",
        "schedule": crontab(hour=2, minute=0),
    },
    # Social organisations' annual reports are due on 31 May: on 1 June the missing ones are listed.
    "orgs-annual-report-check": {
        "task": "orgs.annual_report_check",
        "schedule": crontab(month_of_year=6, day_of_month=1, hour=1, minute=0),
    },
    # Children turning 18 within 90 days are flagged; allowances end at 18 unless still in school.
    "childwelfare-aging-out-daily": {
        "task": "childwelfare.aging_out",
        "schedule": crontab(hour=1, minute=30),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"client_errors_without_traceback": {"()": "core.log_filters.ClientErrorsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # Django's own console handler would print every record a second time beside the root's.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.request": {"filters": ["client_errors_without_traceback"], "propagate": True},
    },
}
