"""Settings shared by every environment.

Everything is read from the environment with django-environ. The defaults are the embedded ones
(SQLite under var/, a filesystem Celery broker, e-mail written to var/mail/), so `make run` works
with no environment at all; production.py refuses to start on unsafe values.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from apps.common.client_ip import parse_networks

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="insecure-local-only-key-do-not-use-in-production")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# The reverse proxies in front of the app (apps/common/client_ip.py). With neither set, the client is
# the socket's address and X-Forwarded-For / X-Forwarded-Proto are ignored: a client could write them.
# TRUSTED_PROXIES: our proxies' addresses or networks (e.g. 172.16.0.0/12); TRUSTED_PROXY_COUNT: how many
# proxies append to X-Forwarded-For (the client is the n-th address from its right).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
try:
    TRUSTED_PROXY_NETWORKS = parse_networks(TRUSTED_PROXIES)
except ValueError as error:
    raise ImproperlyConfigured(f"TRUSTED_PROXIES: {error}.") from None
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 (no proxy) or more.")
BEHIND_TRUSTED_PROXY = bool(TRUSTED_PROXY_NETWORKS) or TRUSTED_PROXY_COUNT > 0

INSTALLED_APPS = [
    # First: its createsuperuser (the address counts as confirmed) replaces django.contrib.auth's.
    "apps.accounts",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "simple_history",
    "axes",
    "apps.common",
    "apps.vocabulary",
    "apps.states",
    "apps.reviews",
    "apps.recommendations",
    "apps.reminders",
    "apps.web",
    "apps.reference",
]

MIDDLEWARE = [
    # After the first response, the objects a process keeps for its life leave the GC's walks (p95 latency).
    "apps.common.middleware.GcFreezeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # NUL bytes (400), oversize bodies (413), JSON 404s under /api/: before any view can trip on them.
    "apps.common.middleware.RequestGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: turns a login refused by the lockout (AxesBackend) into the lockout page or API error.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "upr_tracker.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "upr_tracker.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FORMS_URLFIELD_ASSUME_HTTPS = True  # Django 6 behaviour now: a typed URL without scheme means https

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# AxesStandaloneBackend first: it refuses a locked-out username or client before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "en-gb"
# Stored times are UTC (USE_TZ); Geneva is the default display zone, where the UPR sits.
TIME_ZONE = "Europe/Zurich"
GENEVA_TZ = "Europe/Zurich"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# E-mail: files under var/mail/ by default; EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend
# with EMAIL_HOST/EMAIL_PORT for a real server.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="UPR Tracker <reminders@upr-tracker.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery. The embedded default is kombu's filesystem transport: no broker server to install.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_QUEUE_DIR = Path(env.str("CELERY_BROKER_QUEUE_DIR", default=str(VAR_DIR / "celery" / "queue")))
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = (
    {
        "data_folder_in": str(CELERY_BROKER_QUEUE_DIR),
        "data_folder_out": str(CELERY_BROKER_QUEUE_DIR),
        "processed_folder": str(CELERY_BROKER_QUEUE_DIR.parent / "processed"),
        # The exchange-queue table; kombu's default is "control" under the current directory.
        "control_folder": str(CELERY_BROKER_QUEUE_DIR.parent / "control"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {"visibility_timeout": 3600}
)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Beat only ticks; what was sent lives in the database (apps/reminders).
REMINDER_SWEEP_MINUTES = env.int("REMINDER_SWEEP_MINUTES", default=2)
CELERY_BEAT_SCHEDULE = {
    "reminders-sweep": {
        "task": "apps.reminders.tasks.sweep_due_reminders",
        "schedule": crontab(minute=f"*/{REMINDER_SWEEP_MINUTES}"),
    },
}
# Reminders (apps/reminders/services.py): deliveries per task and per SMTP connection; how long a
# delivery enqueued without being sent waits before the sweep enqueues it again (a lost message);
# the lease of a running batch on its deliveries, renewed every third of it, after which the sweep
# takes back those of a killed worker (apps/reminders/claims.py); retries of connection errors and
# 4xx answers (exponential, full jitter).
REMINDER_BATCH_SIZE = env.int("REMINDER_BATCH_SIZE", default=100)
REMINDER_REQUEUE_SECONDS = env.int("REMINDER_REQUEUE_SECONDS", default=600)
REMINDER_LEASE_SECONDS = env.float("REMINDER_LEASE_SECONDS", default=30.0)
if not 0 < REMINDER_LEASE_SECONDS < REMINDER_REQUEUE_SECONDS:
    raise ImproperlyConfigured(
        f"REMINDER_LEASE_SECONDS must be above 0 and below REMINDER_REQUEUE_SECONDS ({REMINDER_REQUEUE_SECONDS}), "
        f"not {REMINDER_LEASE_SECONDS}."
    )
REMINDER_MAX_ATTEMPTS = env.int("REMINDER_MAX_ATTEMPTS", default=8)
REMINDER_RETRY_BASE_SECONDS = env.float("REMINDER_RETRY_BASE_SECONDS", default=60.0)
REMINDER_RETRY_MAX_SECONDS = env.float("REMINDER_RETRY_MAX_SECONDS", default=3600.0)
# false: the batch sender's claim/sent commits skip PostgreSQL's WAL flush wait (synchronous_commit
# off, its transactions only). Faster where fsync is slow, but a crash of PostgreSQL itself (not of a
# worker) could forget the last ~0.6 s of "sent" marks and send those reminders again.
REMINDER_SYNCHRONOUS_COMMIT = env.bool("REMINDER_SYNCHRONOUS_COMMIT", default=True)
# The integration tests give their worker a queue of its own; "celery" is Celery's default.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")

REST_FRAMEWORK = {
    # Token first: an anonymous write then answers 401 with `WWW-Authenticate: Token` rather than 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.DjangoModelPermissionsOrAnonReadOnly"],
    # DRF's JSON parser with a nesting bound (deep nesting raised RecursionError, a 500).
    "DEFAULT_PARSER_CLASSES": ["apps.common.api_parsers.DepthLimitedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # django-filter, plus a 400 for an unknown query parameter (a misspelt filter is never ignored).
    "DEFAULT_FILTER_BACKENDS": ["apps.common.api_filters.StrictFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "apps.common.api.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "apps.common.api_schema.ErrorDocumentingAutoSchema",
    "EXCEPTION_HANDLER": "apps.common.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        # DRF's, counted by apps.common.client_ip.client_ip (the socket, or what a trusted proxy says).
        "apps.common.throttling.ClientAnonRateThrottle",
        "apps.common.throttling.ClientUserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="120/minute"),
        "user": env.str("API_THROTTLE_USER", default="600/minute"),
    },
    "DATETIME_FORMAT": "iso-8601",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "UPR Tracker API",
    "DESCRIPTION": (
        "The Universal Periodic Review record: member states, cycles, sessions, reviews, deadlines, "
        "statements and recommendations. Reads are public; writes need a token or session with the "
        "model permission. Every error answers "
        '`{"error": {"code": "...", "message": "...", "fields": {...}}}` with its 4xx status.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # The schema documents the JSON API; the browsable HTML pages are a convenience for people.
    "RENDERER_WHITELIST": ["rest_framework.renderers.JSONRenderer"],
    # Swagger UI from our own static files (drf-spectacular-sidecar), never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "RegionalGroupEnum": "apps.states.models.MemberState.RegionalGroup",
        "DeadlineKindEnum": "apps.reviews.models.Deadline.Kind",
        "StakeholderKindEnum": "apps.reviews.models.Stakeholder.Kind",
        "RecordCoverageEnum": "apps.reviews.models.Review.RecordCoverage",
        "VerificationEnum": "apps.common.models.Verification",
        "ReviewStatusEnum": "apps.reviews.models.Review.Status",
        "SpeakersListEntryStatusEnum": "apps.reviews.models.SpeakersListEntry.Status",
    },
}

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2 * 1024 * 1024)

# Login lockout (django-axes) on /accounts/login/, /admin/login/ and /api/v1/auth/token/: after
# LOGIN_FAILURE_LIMIT wrong passwords for one username (from anywhere), or from one client (any
# username), further attempts are refused for LOGIN_LOCKOUT_MINUTES. Staff unlock in the admin
# (Users → "Unlock log-in", or Axes → Access attempts → delete) or with `manage.py axes_reset_username`.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("LOGIN_LOCKOUT_MINUTES", default=60.0) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "apps.common.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "apps.accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
# Failed attempts only: no log of who logged in from where (advocates' addresses are nobody's business).
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False  # no banner at every start
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"  # shared by every process

# Limits of the account pages, per client (client_ip) and per e-mail address, "N/minute|hour|day".
PASSWORD_RESET_RATE_CLIENT = env.str("PASSWORD_RESET_RATE_CLIENT", default="10/hour")
PASSWORD_RESET_RATE_EMAIL = env.str("PASSWORD_RESET_RATE_EMAIL", default="3/hour")
SIGNUP_RATE_CLIENT = env.str("SIGNUP_RATE_CLIENT", default="10/hour")
EMAIL_CONFIRMATION_RATE_EMAIL = env.str("EMAIL_CONFIRMATION_RATE_EMAIL", default="3/hour")
# A confirmation link works for this long; reminders go only to a confirmed address.
EMAIL_CONFIRMATION_MAX_AGE_HOURS = env.int("EMAIL_CONFIRMATION_MAX_AGE_HOURS", default=72)

# The sibling folder of real data (tests and benchmarks read the bulk UPR Info export from it).
SHARED_DATA_DIR = Path(env.str("UPR_SHARED_DATA_DIR", default=str(BASE_DIR.parent / "shared" / "data")))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Exports (apps/recommendations/exports/). Files live under EXPORTS_DIR: datasets/ (the whole record,
# prebuilt) and jobs/ (large filtered exports). In compose, a volume shared by web and worker.
EXPORTS_DIR = Path(env.str("EXPORTS_DIR", default=str(VAR_DIR / "exports")))
# A filtered export of more rows than this becomes a background job instead of a streamed response.
EXPORT_SYNC_MAX_ROWS = env.int("EXPORT_SYNC_MAX_ROWS", default=5000)
# XLSX costs about 5 times the CPU of CSV a row (openpyxl): its in-request limit is lower, so four at once
# leave the web processes time for /healthz (bench/export_load.py).
EXPORT_SYNC_MAX_ROWS_XLSX = env.int("EXPORT_SYNC_MAX_ROWS_XLSX", default=1000)
# In-request exports built at once per web process (the others wait, without using the CPU).
EXPORT_SYNC_CONCURRENCY = env.int("EXPORT_SYNC_CONCURRENCY", default=1)
# Export jobs a client (a signed-in user, else an IP address) may have waiting or running at once.
EXPORT_MAX_JOBS_PER_CLIENT = env.int("EXPORT_MAX_JOBS_PER_CLIENT", default=2)
# A job still pending or running this long after its last progress is taken as lost (a killed worker):
# it no longer counts against the limit, and the purge marks it failed.
EXPORT_JOB_STALE_SECONDS = env.int("EXPORT_JOB_STALE_SECONDS", default=1800)
# A finished job's file (and its link) is kept this long.
EXPORT_JOB_KEEP_HOURS = env.int("EXPORT_JOB_KEEP_HOURS", default=48)
# After an import or an edit, the prebuilt files are rebuilt once, this many seconds later (edits meanwhile
# join the same rebuild); nightly too (beat, EXPORT_NIGHTLY_HOUR UTC).
EXPORT_REBUILD_AFTER_CHANGES = env.bool("EXPORT_REBUILD_AFTER_CHANGES", default=True)
EXPORT_REBUILD_DELAY_SECONDS = env.int("EXPORT_REBUILD_DELAY_SECONDS", default=60)
EXPORT_NIGHTLY_HOUR = env.int("EXPORT_NIGHTLY_HOUR", default=2)
CELERY_BEAT_SCHEDULE["exports-rebuild-datasets"] = {
    "task": "apps.recommendations.tasks.rebuild_datasets",
    "schedule": crontab(hour=EXPORT_NIGHTLY_HOUR, minute=15),
}
CELERY_BEAT_SCHEDULE["exports-purge-jobs"] = {
    "task": "apps.recommendations.tasks.purge_export_jobs",
    "schedule": crontab(minute=45),
}
