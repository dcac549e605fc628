"""YiQiao settings: one file, driven by environment variables.

Documented variables (see README "Configuration"):
  YIQIAO_SECRET_KEY      required when YIQIAO_DEBUG is off; in debug a key is generated into var/
  YIQIAO_DEBUG           "1" for development (default "0")
  YIQIAO_ALLOWED_HOSTS   comma-separated host names (default "127.0.0.1,localhost")
  YIQIAO_CSRF_TRUSTED_ORIGINS  comma-separated origins behind a proxy
  YIQIAO_SECURE          "1" behind HTTPS: secure cookies, HSTS, SSL redirect
  YIQIAO_DATA_DIR        where the SQLite file and generated key live (default ./var)
  DATABASE_URL           sqlite:///path or postgres://user:pass@host:port/name (default SQLite)
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("YIQIAO_DATA_DIR", BASE_DIR / "var")).resolve()
DEBUG = env_flag("YIQIAO_DEBUG")


def _secret_key() -> str:
    key = os.environ.get("YIQIAO_SECRET_KEY")
    if key:
        return key
    # Development and the embedded demo keep a random key on disk, never in the repository.
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("YIQIAO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("YIQIAO_CSRF_TRUSTED_ORIGINS", "")


def database_from_url(url: str) -> dict[str, object]:
    """Translate a DATABASE_URL into Django's DATABASES entry (sqlite and postgres only)."""
    parts = urlsplit(url)
    options = dict(parse_qsl(parts.query))
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        if path.startswith("//"):
            path = path[1:]
        elif path.startswith("/"):
            path = path[1:] or str(DATA_DIR / "yiqiao.sqlite3")
        return sqlite_database(Path(path))
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")) or "yiqiao",
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": 60,
            "OPTIONS": options,
        }
    raise ValueError(f"DATABASE_URL scheme {parts.scheme!r} is not supported (sqlite, postgres)")


def sqlite_database(path: Path) -> dict[str, object]:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            # WAL lets readers proceed while a writer works; IMMEDIATE avoids lock upgrades
            # failing with "database is locked" under concurrent writers.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


DATABASES = {
    "default": database_from_url(os.environ["DATABASE_URL"])
    if os.environ.get("DATABASE_URL")
    else sqlite_database(DATA_DIR / "yiqiao.sqlite3")
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # serves the API docs' Swagger UI from its own static files, not from a CDN
    "django_tasks",
    "django_tasks_db",
    "yiqiao.core",
    "yiqiao.accounts",
    "yiqiao.registry",
    "yiqiao.policies",
    "yiqiao.demands",
    "yiqiao.projects",
    "yiqiao.intel",
    "yiqiao.events",
    "yiqiao.chain",
    "yiqiao.capital",
    "yiqiao.cultivation",
    "yiqiao.history",
    "yiqiao.dashboard",
    "yiqiao.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "yiqiao.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "yiqiao.core.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "yiqiao.urls"
WSGI_APPLICATION = "yiqiao.wsgi.application"

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
            ],
        },
    }
]

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# Login protection: this many failed sign-ins within the window lock the account, or the address.
YIQIAO_LOGIN_FAILURES_PER_ACCOUNT = int(os.environ.get("YIQIAO_LOGIN_FAILURES_PER_ACCOUNT", 5))
YIQIAO_LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("YIQIAO_LOGIN_FAILURES_PER_ADDRESS", 20))
YIQIAO_LOGIN_LOCK_MINUTES = int(os.environ.get("YIQIAO_LOGIN_LOCK_MINUTES", 15))
# Demo accounts get a random password each (printed once); set this to give them all one.
YIQIAO_DEMO_PASSWORD = os.environ.get("YIQIAO_DEMO_PASSWORD", "")
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Chinese first; English through Django i18n. Message ids are written in Chinese and the
# English catalogue translates them, so a missing translation still shows the Chinese text.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "media"

# Uploads: imports are parsed in memory; anything larger is refused with a message.
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
# Which policy library `policies_sync` loads: "demo" (the fictional library of the demo
# district), "starter" (real clauses restated from published documents) or a folder path.
YIQIAO_POLICY_LIBRARY = os.environ.get("YIQIAO_POLICY_LIBRARY", "demo")
YIQIAO_IMPORT_MAX_BYTES = 20 * 1024 * 1024
YIQIAO_IMPORT_MAX_ROWS = 200_000
# Bounds on the work one upload may cause (see core.tabular.TableLimits).
YIQIAO_IMPORT_MAX_COLUMNS = int(os.environ.get("YIQIAO_IMPORT_MAX_COLUMNS", 200))
YIQIAO_IMPORT_MAX_CELLS = int(os.environ.get("YIQIAO_IMPORT_MAX_CELLS", 2_000_000))
YIQIAO_IMPORT_MAX_SECONDS = float(os.environ.get("YIQIAO_IMPORT_MAX_SECONDS", 120))
YIQIAO_IMPORT_MAX_UNPACKED_BYTES = 200 * 1024 * 1024

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# `yiqiao worker` renews its heartbeat this often; a running task whose worker has been silent
# for the stale time is requeued by the other workers (core.task_recovery).
YIQIAO_WORKER_HEARTBEAT_SECONDS = float(os.environ.get("YIQIAO_WORKER_HEARTBEAT_SECONDS", 10))
YIQIAO_WORKER_STALE_SECONDS = float(os.environ.get("YIQIAO_WORKER_STALE_SECONDS", 60))

# News intelligence: largest article accepted, and whether the organisation-name model runs.
YIQIAO_INTEL_MAX_BYTES = int(os.environ.get("YIQIAO_INTEL_MAX_BYTES", 2 * 1024 * 1024))
YIQIAO_INTEL_USE_LAC = env_flag("YIQIAO_INTEL_USE_LAC", True)

# Security: Django's defaults plus the production switches behind YIQIAO_SECURE.
SECURE = env_flag("YIQIAO_SECURE")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE
SECURE_HSTS_SECONDS = 31_536_000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE else None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("YIQIAO_LOG_LEVEL", "WARNING")},
}

PAGE_SIZE_DEFAULT = 25
PAGE_SIZE_MAX = 200

VERBOSE_NAME_APP = _("医桥")
