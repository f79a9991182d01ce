"""Django settings for Minka: only ``MINKA_*`` and ``DATABASE_URL`` variables (typed helpers of
:mod:`minka.core.env`), or the settings file for those unset (``minka.env``, ``MINKA_ENV_FILE``;
never read by the tests). Safe defaults: debug off, secure cookies, SQLite in WAL mode with
``synchronous=FULL`` under ``./var/``; the folders named here are created at once. The README
lists every variable.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from minka.core.env import (
    ConfigurationError,
    ensure_folder,
    env_bool,
    env_file_load,
    env_file_path,
    env_int,
    env_list,
    env_path,
    env_secret,
    env_str,
)
from minka.core.logging import logging_config

django_stubs_ext.monkeypatch()

# The test suite (pytest, or MINKA_TESTING in the environment) sets what it needs itself and
# never reads a developer's settings file.
TESTING = "pytest" in sys.modules or env_bool("MINKA_TESTING", default=False)
ENV_FILE = None if TESTING else env_file_path()
if ENV_FILE is not None:
    env_file_load(ENV_FILE)
ENV_FILE_HINT = str(ENV_FILE) if ENV_FILE else "minka.env"

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = ensure_folder(
    env_path("MINKA_DATA_DIR", Path.cwd() / "var"), "MINKA_DATA_DIR", mode=0o700
)

# --- Mode and secrets -----------------------------------------------------------------------

DEBUG = env_bool("MINKA_DEBUG", default=False)

_INSECURE_DEV_KEY = "minka-development-only-key-never-use-in-production-0123456789abcdef"
SECRET_KEY = env_secret("MINKA_SECRET_KEY")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ConfigurationError(
            "MINKA_SECRET_KEY (or MINKA_SECRET_KEY_FILE) is required when MINKA_DEBUG is off: "
            f"set it in the environment or in {ENV_FILE_HINT} (`make run` writes a development "
            "one; deploy/minka.env.example shows a production one)."
        )
    SECRET_KEY = _INSECURE_DEV_KEY
elif not (DEBUG or TESTING) and (
    len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
    or SECRET_KEY.startswith("django-insecure-")
    or SECRET_KEY == _INSECURE_DEV_KEY
):
    raise ConfigurationError(
        "MINKA_SECRET_KEY is too weak: use at least 50 random characters "
        '(python -c "import secrets; print(secrets.token_urlsafe(50))").'
    )

ALLOWED_HOSTS = env_list("MINKA_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
if not ALLOWED_HOSTS and not TESTING:
    raise ConfigurationError(
        "MINKA_ALLOWED_HOSTS is required when MINKA_DEBUG is off: set it to the site's host "
        f"names, comma-separated, in the environment or in {ENV_FILE_HINT}."
    )

# Absolute links in emails, calendars and messages come from here, never from the request.
BASE_URL = env_str(
    "MINKA_BASE_URL",
    f"http://127.0.0.1:{env_int('PORT', 8000)}" if DEBUG or TESTING else "",
).rstrip("/")
if not BASE_URL:
    BASE_URL = f"https://{ALLOWED_HOSTS[0]}" if ALLOWED_HOSTS else "http://testserver"

# --- Applications ---------------------------------------------------------------------------

INSTALLED_APPS = [
    "minka.core",
    "minka.files",
    "minka.accounts",
    "minka.notifications",
    "minka.directory",
    "minka.search",
    "minka.documents",
    "minka.meetings",
    "minka.agreements",
    "minka.participation",
    "minka.site",
    "minka.core.apps.MinkaAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "django_htmx",
    "csp",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "minka.core.middleware.RequestIdMiddleware",
    "minka.core.middleware.MethodAllowlistMiddleware",
    # A visitor's public page straight from the cache, before sessions, auth and the view.
    "minka.core.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "minka.core.middleware.SpanishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before the session clocks: an expired session is ended with a message.
    "django.contrib.messages.middleware.MessageMiddleware",
    "minka.core.middleware.SessionTimeoutMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "minka.accounts.middleware.UserLanguageMiddleware",
    "minka.accounts.middleware.RequireTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "minka.core.middleware.PrivateCacheMiddleware",
]

ROOT_URLCONF = "minka.urls"
WSGI_APPLICATION = "minka.wsgi.application"
ASGI_APPLICATION = "minka.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "minka.core.context_processors.minka",
            ],
        },
    },
]

# Django's renderer with the select and input widgets written in Python (a long <select>
# cost ~60 µs an option through the templates).
FORM_RENDERER = "minka.core.formrender.FastRenderer"

# --- Database -------------------------------------------------------------------------------

_DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'minka.sqlite3'}")
# PostgreSQL: keep each connection for a minute (checked before reuse) instead of opening one
# per request, which halved the throughput of a page. SQLite opens a file: nothing to keep.
_DEFAULT_CONN_MAX_AGE = 60 if _DATABASE_URL.startswith(("postgres://", "postgresql://")) else 0
DATABASES = {
    "default": dj_database_url.parse(
        _DATABASE_URL,
        conn_max_age=env_int("MINKA_DB_CONN_MAX_AGE", _DEFAULT_CONN_MAX_AGE, minimum=0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and the single writer work at once; synchronous=FULL makes a commit
    # survive a power loss; IMMEDIATE takes the write lock up front, so a read transaction
    # that later writes never fails with "database is locked"; the timeout waits for the lock.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("MINKA_SQLITE_TIMEOUT", 20, minimum=1),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits need one shared by every process) ------------------------------------

_CACHE_URL = env_str("MINKA_CACHE_URL", "")
CACHES: dict[str, dict[str, Any]]
# "pages" holds the rendered public pages (minka.core.pagecache) apart from the rate limits,
# so that many pages cannot push a rate-limit counter out.
if _CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        alias: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _CACHE_URL,
            "KEY_PREFIX": prefix,
        }
        for alias, prefix in (("default", ""), ("pages", "pages"))
    }
elif _CACHE_URL == "locmem://" or TESTING:
    CACHES = {
        alias: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": alias}
        for alias in ("default", "pages")
    }
else:
    _cache_dir = Path(_CACHE_URL.removeprefix("file://")) if _CACHE_URL else DATA_DIR / "cache"
    _cache_dir = ensure_folder(_cache_dir.resolve(), "MINKA_CACHE_URL", mode=0o700)
    CACHES = {
        "default": {"BACKEND": "minka.core.filecache.FileCache", "LOCATION": str(_cache_dir)},
        "pages": {
            "BACKEND": "minka.core.filecache.FileCache",
            "LOCATION": str(ensure_folder(_cache_dir / "pages", "MINKA_CACHE_URL", mode=0o700)),
            "OPTIONS": {"MAX_ENTRIES": 2000},
        },
    }
# Seconds a rendered public page is kept (0: off). Every committed write to the database
# invalidates all of them at once; the limit bounds pages that change with the clock alone.
# Off in the test suite (tests turn it on) and with locmem://, which one process cannot share.
PAGE_CACHE_SECONDS = env_int(
    "MINKA_PAGE_CACHE_SECONDS", 0 if TESTING or _CACHE_URL == "locmem://" else 300, minimum=0
)

# --- Tasks ----------------------------------------------------------------------------------

TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if env_str("MINKA_TASKS_BACKEND", "immediate" if TESTING else "database") == "immediate"
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}

# Retention (SECURITY.md R13; `minka purge`, run daily): finished task results, which name
# only the kind of work and ids, are deleted after these many days; failed ones are kept
# longer for diagnosis.
TASK_RETENTION_DAYS = env_int("MINKA_TASK_RETENTION_DAYS", 7, minimum=1)
TASK_FAILED_RETENTION_DAYS = env_int("MINKA_TASK_FAILED_RETENTION_DAYS", 30, minimum=1)

# --- Notifications: the outbox (`minka outbox`) ----------------------------------------------

# A failed delivery is retried after OUTBOX_RETRY_BASE seconds, doubled at each failure up to
# OUTBOX_RETRY_MAX, and given up after OUTBOX_MAX_ATTEMPTS (coordinators may retry it then).
OUTBOX_RETRY_BASE = env_int("MINKA_OUTBOX_RETRY_BASE", 30, minimum=1)
OUTBOX_RETRY_MAX = env_int("MINKA_OUTBOX_RETRY_MAX", 6 * 3600, minimum=1)
OUTBOX_MAX_ATTEMPTS = env_int("MINKA_OUTBOX_MAX_ATTEMPTS", 12, minimum=1)
# A worker that dies while delivering leaves the message to another pass after this lease.
OUTBOX_LEASE = env_int("MINKA_OUTBOX_LEASE", 120, minimum=1)
OUTBOX_THREADS = env_int("MINKA_OUTBOX_THREADS", 4, minimum=1)
OUTBOX_INTERVAL = env_int("MINKA_OUTBOX_INTERVAL", 2, minimum=1)
# Daily digests go out at this hour (MINKA_TIME_ZONE), weekly ones on Mondays at the same hour.
DIGEST_HOUR = env_int("MINKA_DIGEST_HOUR", 7, minimum=0)
OUTBOX_RETENTION_DAYS = env_int("MINKA_OUTBOX_RETENTION_DAYS", 90, minimum=1)

# --- Authentication -------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PRODUCTION_PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
PASSWORD_HASHERS = PRODUCTION_PASSWORD_HASHERS
if TESTING:
    # Every test user would cost an Argon2 hash (~0.45 s on a busy 2-core machine); the tests
    # of hashing itself use PRODUCTION_PASSWORD_HASHERS (minka.core.tests.base.REAL_HASHERS).
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("MINKA_PASSWORD_MIN_LENGTH", 10, minimum=8)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "minka.accounts.validators.MaximumLengthValidator"},
]
PASSWORD_RESET_TIMEOUT = env_int("MINKA_PASSWORD_RESET_TIMEOUT", 3600, minimum=300)
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "site:home"

ACCOUNT_ADAPTER = "minka.accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "minka.accounts.forms.SignupForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = False
# Re-authentication (password or second factor, never an emailed code) before changing the
# email address, the password or the second factor.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_METHODS = ("password", "mfa")
# A proof lasts this long: a sign-in counts as one too (minka.accounts.adapters), so setting up
# the second factor right after signing in asks for no password again; an older session does.
ACCOUNT_REAUTHENTICATION_TIMEOUT = env_int("MINKA_REAUTHENTICATION_MINUTES", 10, minimum=1) * 60
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Minka] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG or TESTING else "https"
# Failed sign-ins per address (allauth's rate syntax, e.g. "10/m/ip"). Per account, allauth's
# "key" rates would let anyone lock a person out: minka.accounts.throttling limits those instead.
_LOGIN_FAILED_PER_ADDRESS = env_str("MINKA_RATE_LIMIT_LOGIN_FAILED", "10/m/ip")
if any(
    rate.strip().split("/")[2:] not in ([], ["ip"]) for rate in _LOGIN_FAILED_PER_ADDRESS.split(",")
):
    raise ConfigurationError(
        "MINKA_RATE_LIMIT_LOGIN_FAILED takes per-address rates only (such as 10/m/ip), got "
        f"{_LOGIN_FAILED_PER_ADDRESS!r}; the per-account limit is MINKA_LOGIN_ACCOUNT_FAILURES."
    )
ACCOUNT_RATE_LIMITS = {
    "login_failed": _LOGIN_FAILED_PER_ADDRESS,
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
# Failed sign-ins per account (minka.accounts.throttling, OWASP "device cookies"): after
# LOGIN_ACCOUNT_FAILURES within the window, browsers without the account's device cookie wait
# LOGIN_LOCKOUT_SECONDS, twice as long at each new lockout up to the maximum; a browser holding
# it (set at each completed sign-in) is limited only by its own LOGIN_DEVICE_FAILURES.
LOGIN_ACCOUNT_FAILURES = env_int("MINKA_LOGIN_ACCOUNT_FAILURES", 5, minimum=1)
LOGIN_DEVICE_FAILURES = env_int("MINKA_LOGIN_DEVICE_FAILURES", 5, minimum=1)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("MINKA_LOGIN_FAILURE_WINDOW_MINUTES", 60, minimum=1) * 60
LOGIN_LOCKOUT_SECONDS = env_int("MINKA_LOGIN_LOCKOUT_MINUTES", 5, minimum=1) * 60
LOGIN_LOCKOUT_MAX_SECONDS = max(
    LOGIN_LOCKOUT_SECONDS, env_int("MINKA_LOGIN_LOCKOUT_MAX_MINUTES", 60, minimum=1) * 60
)
LOGIN_DEVICE_COOKIE_AGE = env_int("MINKA_LOGIN_DEVICE_COOKIE_DAYS", 365, minimum=1) * 24 * 3600
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Minka"
MFA_RECOVERY_CODE_COUNT = 10
# Tracking activity would write to the database on every request; sign-ins are enough.
USERSESSIONS_TRACK_ACTIVITY = False
USERSESSIONS_ADAPTER = "minka.accounts.usersessions.UserSessionsAdapter"

# Sessions: an idle clock and an absolute clock, shorter for privileged roles.
SESSION_COOKIE_AGE = env_int("MINKA_SESSION_MAX_HOURS", 12, minimum=1) * 3600
SESSION_IDLE_SECONDS = env_int("MINKA_SESSION_IDLE_MINUTES", 120, minimum=5) * 60
PRIVILEGED_SESSION_IDLE_SECONDS = (
    env_int("MINKA_PRIVILEGED_SESSION_IDLE_MINUTES", 30, minimum=5) * 60
)
PRIVILEGED_SESSION_MAX_SECONDS = env_int("MINKA_PRIVILEGED_SESSION_MAX_HOURS", 8, minimum=1) * 3600
SESSION_SERIALIZER = "django.contrib.sessions.serializers.JSONSerializer"

INVITATION_VALID_DAYS = env_int("MINKA_INVITATION_VALID_DAYS", 14, minimum=1)
# Membership applications (/unete/): unverified ones are deleted after 7 days, rejected ones
# 6 months after the decision (SECURITY.md R13).
APPLICATION_UNVERIFIED_DAYS = env_int("MINKA_APPLICATION_UNVERIFIED_DAYS", 7, minimum=1)
APPLICATION_REJECTED_DAYS = env_int("MINKA_APPLICATION_REJECTED_DAYS", 183, minimum=1)

# Ley 29733: deadlines to answer data-rights (ARCO) requests, in Peruvian working days.
# The 2013 regulation gave 20 for access and 10 for the others; confirm against
# DS 016-2024-JUS and set them here for the instance.
ARCO_DEADLINE_DAYS = {
    "access": env_int("MINKA_ARCO_ACCESS_DAYS", 20, minimum=1),
    "rectification": env_int("MINKA_ARCO_RECTIFICATION_DAYS", 10, minimum=1),
    "cancellation": env_int("MINKA_ARCO_CANCELLATION_DAYS", 10, minimum=1),
    "opposition": env_int("MINKA_ARCO_OPPOSITION_DAYS", 10, minimum=1),
}
DIRECTORY_PAGE_SIZE = env_int("MINKA_DIRECTORY_PAGE_SIZE", 30, minimum=5)

# The repository: upload limits and background processing of documents.
REPOSITORY_MAX_UPLOAD_BYTES = env_int("MINKA_UPLOAD_MAX_MB", 50, minimum=1) * 1024 * 1024
# The first handler skips a file as soon as it passes the limit (minka.core.uploads).
FILE_UPLOAD_HANDLERS = [
    "minka.core.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
REPOSITORY_MAX_FILES_PER_UPLOAD = env_int("MINKA_UPLOAD_MAX_FILES", 20, minimum=1)
REPOSITORY_PAGE_SIZE = env_int("MINKA_REPOSITORY_PAGE_SIZE", 20, minimum=5)
# Each extraction runs in a child process with these limits (wall seconds, address space).
EXTRACTION_TIMEOUT = env_int("MINKA_EXTRACTION_TIMEOUT", 120, minimum=5)
EXTRACTION_MEMORY_MB = env_int("MINKA_EXTRACTION_MEMORY_MB", 1024, minimum=128)
# LibreOffice converts legacy DOC/PPT and renders previews of office files when found:
# the path to `soffice`, or empty to look it up on PATH ("off" disables it).
LIBREOFFICE = env_str("MINKA_LIBREOFFICE")
# The minutes importer reads the structure of a file in a child process with this many
# seconds of CPU (and at most twice that plus one of wall time), then refuses the file.
IMPORT_PARSE_TIMEOUT = env_int("MINKA_IMPORT_PARSE_TIMEOUT", 2, minimum=1)
# Uploads and confirmations on the "Importar acta" page per minute per account before a 429.
IMPORT_RATE_LIMIT = env_int("MINKA_IMPORT_RATE_LIMIT", 10, minimum=1)
SEARCH_PAGE_SIZE = env_int("MINKA_SEARCH_PAGE_SIZE", 20, minimum=5)
# Searches per minute per account (or per address for visitors) before a 429.
SEARCH_RATE_LIMIT = env_int("MINKA_SEARCH_RATE_LIMIT", 60, minimum=1)
# Comparisons of two revisions of the minutes per minute per account (or address) before a 429.
COMPARE_RATE_LIMIT = env_int("MINKA_COMPARE_RATE_LIMIT", 30, minimum=1)
# Uploads per hour per account before a 429: the repository's upload and new-version forms
# and an agenda item's upload share one count, in which every POST counts.
UPLOAD_RATE_LIMIT = env_int("MINKA_UPLOAD_RATE_LIMIT", 60, minimum=1)
# Downloads of the whole members' directory (CSV and vCard together) per hour per account.
DIRECTORY_EXPORT_RATE_LIMIT = env_int("MINKA_DIRECTORY_EXPORT_RATE_LIMIT", 20, minimum=1)
# Downloads of one's own data from "Mis datos" (JSON and CSV together) per hour per account.
DATA_EXPORT_RATE_LIMIT = env_int("MINKA_DATA_EXPORT_RATE_LIMIT", 20, minimum=1)

# --- Internationalization -------------------------------------------------------------------

LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "minka_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env_str("MINKA_TIME_ZONE", "America/Lima")
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------

STATIC_URL = "/static/"
# The site's own CSS and icons live in the package, outside any single app.
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = ensure_folder(
    env_path("MINKA_STATIC_ROOT", DATA_DIR / "static"), "MINKA_STATIC_ROOT", mode=0o755
)
MEDIA_URL = "/media/"
MEDIA_ROOT = env_path("MINKA_MEDIA_ROOT", DATA_DIR / "media")
# Uploaded files (documents, logos, photos) are never served from MEDIA_URL: views check
# permissions and stream them. With MINKA_S3_BUCKET set they live in S3-compatible object
# storage instead of MEDIA_ROOT (see minka.core.storage).
S3_BUCKET = env_str("MINKA_S3_BUCKET")
S3_OPTIONS = {
    "bucket_name": S3_BUCKET,
    "endpoint_url": env_str("MINKA_S3_ENDPOINT_URL") or None,
    "region_name": env_str("MINKA_S3_REGION", "us-east-1"),
    "access_key": env_str("MINKA_S3_ACCESS_KEY_ID"),
    "secret_key": env_secret("MINKA_S3_SECRET_ACCESS_KEY"),
    "addressing_style": env_str("MINKA_S3_ADDRESSING_STYLE", "path"),
    "location": env_str("MINKA_S3_PREFIX"),
    "default_acl": None,
    "querystring_auth": True,
    # Signed URLs live at most five minutes (SECURITY.md 1.4).
    "querystring_expire": min(env_int("MINKA_S3_URL_EXPIRE", 300, minimum=1), 300),
    "file_overwrite": False,
}
# Redirect document downloads to a short-lived signed URL instead of streaming them through
# the application (saves app-server time on large files; S3 then sets the headers).
S3_SIGNED_DOWNLOADS = env_bool("MINKA_S3_SIGNED_DOWNLOADS", default=False)
if not S3_BUCKET:
    ensure_folder(MEDIA_ROOT, "MINKA_MEDIA_ROOT")
STORAGES = {
    "default": (
        {"BACKEND": "minka.core.storage_s3.PrivateS3Storage", "OPTIONS": S3_OPTIONS}
        if S3_BUCKET
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
        # Public files, served by the web server from disk (deploy/nginx.conf): readable by
        # all, unlike uploads (FILE_UPLOAD_PERMISSIONS).
        "OPTIONS": {"file_permissions_mode": 0o644, "directory_permissions_mode": 0o755},
    },
}
WHITENOISE_MAX_AGE = 3600

# --- Email ----------------------------------------------------------------------------------

EMAIL_BACKEND = env_str(
    "MINKA_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("MINKA_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("MINKA_EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("MINKA_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_secret("MINKA_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("MINKA_EMAIL_USE_TLS", default=not env_bool("MINKA_EMAIL_USE_SSL"))
EMAIL_USE_SSL = env_bool("MINKA_EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env_int("MINKA_EMAIL_TIMEOUT", 20, minimum=1)
DEFAULT_FROM_EMAIL = env_str("MINKA_DEFAULT_FROM_EMAIL", "Minka <minka@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Telegram (minka/notifications/channels/telegram.py) --------------------------------------

# The bot's token from BotFather; empty switches Telegram off. It is a secret: it never reaches
# a log line (the transport redacts it) and may come from a file (MINKA_TELEGRAM_BOT_TOKEN_FILE).
TELEGRAM_BOT_TOKEN = env_secret("MINKA_TELEGRAM_BOT_TOKEN")
# The Bot API's base URL, the token appended (tests point it at a local server; a
# self-hosted Bot API server also fits here).
TELEGRAM_API_URL = env_str("MINKA_TELEGRAM_API_URL", "https://api.telegram.org/bot")
if not re.fullmatch(r"https?://[^\s/?#]+(?:/[^\s?#]*)?", TELEGRAM_API_URL):
    raise ConfigurationError(
        "MINKA_TELEGRAM_API_URL takes an http(s) address such as https://api.telegram.org/bot, "
        f"got {TELEGRAM_API_URL!r}."
    )
# The bot's @username, without the @: account links open t.me/<username>?start=<token>.
TELEGRAM_BOT_USERNAME = env_str("MINKA_TELEGRAM_BOT_USERNAME").removeprefix("@")
if TELEGRAM_BOT_USERNAME and not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{4,31}", TELEGRAM_BOT_USERNAME):
    raise ConfigurationError(
        "MINKA_TELEGRAM_BOT_USERNAME takes the bot's username (5 to 32 letters, digits or _), "
        f"got {TELEGRAM_BOT_USERNAME!r}."
    )
# Webhook mode: Telegram sends it in X-Telegram-Bot-Api-Secret-Token (1-256 of A-Z a-z 0-9 _ -).
TELEGRAM_WEBHOOK_SECRET = env_secret("MINKA_TELEGRAM_WEBHOOK_SECRET")
if TELEGRAM_WEBHOOK_SECRET and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", TELEGRAM_WEBHOOK_SECRET):
    raise ConfigurationError(
        "MINKA_TELEGRAM_WEBHOOK_SECRET may hold only 1 to 256 letters, digits, _ and -."
    )

# --- The data controller (Ley 29733: who holds the personal data) ----------------------------

CONTROLLER = {
    "name": env_str("MINKA_CONTROLLER_NAME"),
    "ruc": env_str("MINKA_CONTROLLER_RUC"),
    "address": env_str("MINKA_CONTROLLER_ADDRESS"),
    "privacy_email": env_str("MINKA_PRIVACY_EMAIL"),
    "data_banks": env_str("MINKA_DATA_BANKS"),
}
NETWORK_NAME = env_str("MINKA_NETWORK_NAME", "Minka")
# How an organization asks to join, named on the home page until membership applications
# exist: an email address or an http(s) address; empty names the coordination without one.
NETWORK_CONTACT = env_str("MINKA_NETWORK_CONTACT").strip()
if NETWORK_CONTACT and not (
    re.fullmatch(r"[^@\s/:]+@[^@\s/:]+\.[^@\s/:]+", NETWORK_CONTACT)
    or re.fullmatch(r"https?://[^\s<>\"']+", NETWORK_CONTACT)
):
    raise ConfigurationError(
        "MINKA_NETWORK_CONTACT takes an email address (coordinacion@example.org) or an http(s) "
        f"address (https://example.org/contacto), got {NETWORK_CONTACT!r}."
    )
NETWORK_CONTACT_URL = (
    f"mailto:{NETWORK_CONTACT}"
    if NETWORK_CONTACT and "://" not in NETWORK_CONTACT
    else NETWORK_CONTACT
)

# --- Security -------------------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "minka.core.views.csrf_failure"
if env_bool("MINKA_BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The visitor's address from X-Forwarded-For, before anything reads REMOTE_ADDR.
    MIDDLEWARE = ["minka.core.middleware.ProxyClientAddressMiddleware", *MIDDLEWARE]
if not DEBUG and not TESTING:
    SECURE_SSL_REDIRECT = env_bool("MINKA_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("MINKA_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("MINKA_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        # Submitting a domain to the browsers' preload list cannot be undone quickly and
        # covers every subdomain: the operator opts in with MINKA_HSTS_PRELOAD=true.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
CSRF_TRUSTED_ORIGINS = env_list("MINKA_CSRF_TRUSTED_ORIGINS")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **{
            name: [SELF]
            for name in ("default-src", "script-src", "style-src", "font-src", "connect-src")
        },
        "form-action": [SELF],
        "img-src": [SELF, "data:"],
        **{name: [NONE] for name in ("object-src", "base-uri", "frame-ancestors")},
    }
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
FORMS_URLFIELD_ASSUME_HTTPS = True  # Django 6's default, adopted now
FILE_UPLOAD_PERMISSIONS = 0o640

# --- Outbound requests: webhooks (minka.core.outbound) ---------------------------------------

# Minka refuses http:// addresses outside development and any address in a private, loopback,
# link-local or otherwise internal network. Hosts listed here (host or host:port, [::1]:8080 for
# IPv6) are exempt from both rules: a receiver deliberately run inside the network, or the test
# servers on 127.0.0.1. TLS is still verified and redirects are still refused.
OUTBOUND_ALLOWED_HOSTS = env_list("MINKA_OUTBOUND_ALLOWED_HOSTS")
OUTBOUND_ALLOW_HTTP = env_bool("MINKA_OUTBOUND_ALLOW_HTTP", default=False)
# An outgoing webhook is disabled after this many failed deliveries in a row (a coordinator
# enables it again); its waiting messages are then skipped.
WEBHOOK_MAX_FAILURES = env_int("MINKA_WEBHOOK_MAX_FAILURES", 10, minimum=1)

# --- Logging: request ids, no secrets -------------------------------------------------------

LOGGING = logging_config(level=env_str("MINKA_LOG_LEVEL", "INFO"))
