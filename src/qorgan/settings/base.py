"""Settings shared by every profile. Values that vary come from the environment."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = Path(env_str("QORGAN_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = False
SECRET_KEY = env_str("QORGAN_SECRET_KEY")
ALLOWED_HOSTS = env_list("QORGAN_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("QORGAN_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "qorgan.accounts.admin_apps.QorganAdminConfig",  # django.contrib.admin; directory editors enter
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "qorgan.accounts.admin_apps.AxesConfig",  # django-axes, its name translated
    "csp",
    "qorgan.core",
    "qorgan.knowledge",
    "qorgan.directory",
    "qorgan.accounts",
    "qorgan.screening",
    "qorgan.cases",
    "qorgan.portal",
    "qorgan.monitoring",
    "qorgan.notifications",
    "qorgan.hotline",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "qorgan.core.middleware.SessionRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "qorgan.portal.middleware.PortalLanguageMiddleware",  # staff pages only in staff languages
    "qorgan.core.uploads.RequestSizeLimitMiddleware",  # before anything reads a body
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "qorgan.accounts.middleware.RequireTwoFactorMiddleware",
    "qorgan.accounts.middleware.RequirePasswordChangeMiddleware",
    "qorgan.core.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "qorgan.core.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "qorgan.urls"
WSGI_APPLICATION = "qorgan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "qorgan.core.context_processors.languages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# DATABASE_URL selects the database; the embedded default is a SQLite file under var/.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'qorgan.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("QORGAN_DB_CONN_MAX_AGE", 0)
    )
}
# Server-side parameter binding: psycopg prepares a statement the fifth time a connection
# runs it, so PostgreSQL stops planning the same queries again on every request (the case
# list's plan costs more than its execution). Turn off behind a pooler in transaction mode.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "QORGAN_DB_SERVER_SIDE_BINDING", True
):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=5
    )
# SQLite (the embedded default): every transaction takes the write lock when it begins
# (BEGIN IMMEDIATE), so two requests writing at once (a threaded server, htmx requests in
# parallel) wait for each other instead of both reading the same audit chain head; a writer
# waits up to 20 s for the lock rather than failing with "database is locked".
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(transaction_mode="IMMEDIATE", timeout=20)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "qorgan.accounts.backends.AxesBackend",  # lock-out after repeated failed sign-ins (axes)
    "rules.permissions.ObjectPermissionBackend",
    "qorgan.accounts.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "work"
LOGOUT_REDIRECT_URL = "accounts:login"
# A session ends after this long without a request (rolling), and when the browser closes.
# The expiry moves forward at most once every SESSION_REFRESH_SECONDS
# (core.middleware.SessionRefreshMiddleware), not with a database write on every request.
SESSION_COOKIE_AGE = env_int("QORGAN_SESSION_SECONDS", 60 * 60)
SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Two-factor sign-in (TOTP with backup codes) for every staff user.
REQUIRE_TWO_FACTOR = env_bool("QORGAN_REQUIRE_2FA", True)
OTP_TOTP_ISSUER = "Qorgan"
# Lock-out: after 5 failed sign-ins for one username, 30 minutes without sign-in.
AXES_FAILURE_LIMIT = env_int("QORGAN_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = env_int("QORGAN_LOCKOUT_MINUTES", 30) / 60
# Per account, not per address: staff often share one office address, and locking the address
# would lock a whole unit out.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# A session cookie: nothing of a visit to the report form stays in the browser once it closes.
CSRF_COOKIE_AGE = None

# --- Languages ------------------------------------------------------------------------------
LANGUAGE_CODE = "kk"
# Every language of Qorgan. The first three are the staff languages (STAFF_LANGUAGES: the
# staff pages, and the reference data's columns). The others are languages of the public
# portal only (docs/reference-data.md "Languages"): adding one is a line here plus its files
# (locale/<code>/LC_MESSAGES/django.po and its catalogue translations).
LANGUAGES = [
    ("kk", _("Kazakh")),
    ("ru", _("Russian")),
    ("en", _("English")),
    ("uz", _("Uzbek")),
    ("ky", _("Kyrgyz")),
    ("tg", _("Tajik")),
]
STAFF_LANGUAGES = ["kk", "ru", "en"]
# Project strings first, then the Kazakh translations Qorgan ships for Django and DRF.
LOCALE_PATHS = [PACKAGE_DIR / "locale", PACKAGE_DIR / "locale_vendor"]
USE_I18N = True
# Date, time and number formats per language: Kazakh (Django has none) and English as in
# Kazakhstan (dd.mm.yyyy, 24-hour); the others are Django's (src/qorgan/formats/__init__.py).
FORMAT_MODULE_PATH = ["qorgan.formats"]
TIME_ZONE = "Asia/Almaty"
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Uploaded attachments, stored encrypted; never served as static files.
MEDIA_ROOT = VAR_DIR / "media"
# Closed cases are anonymised this many days after closure (qorgan apply_retention).
RETENTION_DAYS = env_int("QORGAN_RETENTION_DAYS", 5 * 365)
ATTACHMENT_MAX_BYTES = env_int("QORGAN_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = ATTACHMENT_MAX_BYTES + 1024 * 1024
# A body declared larger is refused (413) before it is read; files are counted as they stream.
REQUEST_MAX_BYTES = env_int("QORGAN_REQUEST_MAX_BYTES", ATTACHMENT_MAX_BYTES + 1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    "qorgan.core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("QORGAN_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("QORGAN_EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env_int("QORGAN_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("QORGAN_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("QORGAN_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("QORGAN_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("QORGAN_EMAIL_FROM", "qorgan@localhost")
# The address staff open Qorgan at, for links in e-mails.
SITE_URL = env_str("QORGAN_SITE_URL", "http://127.0.0.1:8000")

# --- Field encryption keys (used by personal-data fields) -----------------------------------
# Comma-separated list of Fernet keys; the first encrypts, all decrypt (rotation).
FIELD_ENCRYPTION_KEYS = env_list("QORGAN_FIELD_KEYS", [])
# Key of the keyed hashes (blind indexes) that find a person again without decrypting.
BLIND_INDEX_KEY = env_str("QORGAN_BLIND_INDEX_KEY")

# --- Audit trail: signed checkpoints outside the database (docs/security.md, "Audit trail") --
# The web application holds only the public key(s) ("ed25519:<base64>", comma-separated while
# rotating) and reads the checkpoint file; the private key file belongs to the signer's own
# operating-system user (qorgan audit_checkpoint, deploy/qorgan-audit-checkpoint.timer).
AUDIT_VERIFY_KEYS = env_list("QORGAN_AUDIT_VERIFY_KEY", [])
AUDIT_CHECKPOINT_FILE = env_str("QORGAN_AUDIT_CHECKPOINT_FILE")
AUDIT_SIGNING_KEY_FILE = env_str("QORGAN_AUDIT_SIGNING_KEY_FILE")
# The signer also sends each checkpoint line to the local syslog (forward it off the machine).
AUDIT_CHECKPOINT_SYSLOG = env_bool("QORGAN_AUDIT_CHECKPOINT_SYSLOG", False)
# qorgan audit_verify fails when the latest checkpoint is older than this (0: never).
AUDIT_CHECKPOINT_MAX_AGE_MINUTES = env_int("QORGAN_AUDIT_CHECKPOINT_MAX_AGE_MINUTES", 120)
# How far an event's time may lie before its predecessor's (clock corrections) before the
# chain counts it as back-dated.
AUDIT_CLOCK_TOLERANCE_SECONDS = env_int("QORGAN_AUDIT_CLOCK_TOLERANCE_SECONDS", 10)

# --- Public portal ---------------------------------------------------------------------------
# Flood limits per client (a keyed hash of the address, in the cache for the minute only:
# core/clients.py), so that one client cannot shut the channel for the others. Above the
# "busy" level (all clients together, per minute) the channel also asks a small proof of work
# (core/pow.py, POW_BITS leading zero bits of SHA-256) that browsers solve while people write.
PORTAL_REPORTS_PER_CLIENT_PER_MINUTE = env_int("QORGAN_REPORTS_PER_CLIENT_PER_MINUTE", 3)
PORTAL_RECEIPT_CHECKS_PER_CLIENT_PER_MINUTE = env_int(
    "QORGAN_RECEIPT_CHECKS_PER_CLIENT_PER_MINUTE", 20
)
PORTAL_REPORTS_PER_MINUTE = env_int("QORGAN_REPORTS_PER_MINUTE", 30)
PORTAL_RECEIPT_CHECKS_PER_MINUTE = env_int("QORGAN_RECEIPT_CHECKS_PER_MINUTE", 120)
PORTAL_POW_BITS = env_int("QORGAN_PORTAL_POW_BITS", 16)
# Proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated); the
# header of anyone else is ignored.
TRUSTED_PROXIES = env_list("QORGAN_TRUSTED_PROXIES", [])

# --- Statistics ------------------------------------------------------------------------------
# Cells smaller than this are suppressed in every statistical output.
STATISTICS_MIN_CELL = env_int("QORGAN_STATISTICS_MIN_CELL", 5)
OPEN_DATA_K = env_int("QORGAN_OPEN_DATA_K", 10)
# The privacy budget of the synthetic open data (pac-synth), per release.
OPEN_DATA_EPSILON = float(env_str("QORGAN_OPEN_DATA_EPSILON", "1.0"))

# --- Background work ---------------------------------------------------------------------------
# "inline": after the request's transaction, in the same process (the embedded default);
# "celery": on Celery workers with Redis (production).
TASKS_BACKEND = env_str("QORGAN_TASKS", "inline")
REDIS_URL = env_str("QORGAN_REDIS_URL", "redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = REDIS_URL
# A shared cache (Redis) for several servers and for figures refreshed by workers; the
# embedded default keeps it in the process's memory.
CACHE_URL = env_str("QORGAN_CACHE_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
# With a shared cache, sessions are read from it and written through to the database; a
# per-process cache would keep a signed-out session alive in the other processes, so without
# one the database alone holds them.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if CACHE_URL
    else "django.contrib.sessions.backends.db"
)
# How long figures computed by the monitoring.refresh_statistics task are served (seconds).
STATISTICS_CACHE_SECONDS = env_int("QORGAN_STATISTICS_CACHE_SECONDS", 30 * 60)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Almaty"

# --- API ------------------------------------------------------------------------------------
API_MAX_JSON_BYTES = env_int("QORGAN_API_MAX_JSON_BYTES", 1024 * 1024)
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # JSON only, read with size, depth, number and surrogate limits (core/safejson.py): a 400,
    # never a 500. Any other body is a 415 (no API endpoint takes forms or files).
    "DEFAULT_PARSER_CLASSES": ["qorgan.core.parsers.SafeJSONParser"],
    # Every error answer carries a stable code beside the translated message (docs/api.md).
    "EXCEPTION_HANDLER": "qorgan.core.api_errors.exception_handler",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.NamespaceVersioning",
    "ALLOWED_VERSIONS": ["v1"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Qorgan API",
    "DESCRIPTION": "The API of Qorgan, the information system of Kazakhstan's counter-trafficking system.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # A PATCH body has the same component as its fields say (`version` is required there too).
    "COMPONENT_SPLIT_PATCH": False,
    # Named enums where several fields share one set of values (core/api_schema.py, docs/api.md).
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "qorgan.cases.models.CaseStatus",
        "ReferralStatusEnum": "qorgan.cases.models.ReferralStatus",
        "ServiceTypeEnum": "qorgan.cases.models.ServiceType",
        "SexEnum": "qorgan.cases.models.Sex",
        "RoleEnum": "qorgan.accounts.roles.Role",
        "ConsentPurposeEnum": "qorgan.cases.models.ConsentPurpose",
        "ConsentFormEnum": "qorgan.cases.models.ConsentForm",
        "ApprovalKindEnum": "qorgan.cases.models.ApprovalKind",
        "ApprovalStatusEnum": "qorgan.cases.models.ApprovalStatus",
        "FollowUpStatusEnum": "qorgan.cases.models.FollowUpStatus",
        "HandoverStatusEnum": "qorgan.cases.models.HandoverStatus",
        "GoalStatusEnum": "qorgan.cases.models.ObjectiveStatus",
        "IncidentKindEnum": "qorgan.cases.models.IncidentKind",
        "DuplicateStatusEnum": "qorgan.cases.models.DuplicateStatus",
    },
}

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("QORGAN_LOG_LEVEL", "INFO")},
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# --- Security headers shared by every profile ------------------------------------------------
# Content Security Policy: no inline script, nothing from another site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        # The offline screening app (docs/offline.md): its service worker and manifest.
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
