"""Settings shared by every environment; each value that differs comes from the environment."""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "portal",
    "portal.backup",
    "cases",
    "cases.importer",
    "search",
    "search.log",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.search_promotions",
    "axes",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.api.v2",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside the page cache: a search it answers is logged too.
    "search.log.middleware.SearchLogMiddleware",
    # Early: a cached page skips sessions, routing and rendering (and keeps its own headers).
    "portal.page_cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "portal.middleware.PublicContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# The public pages load scripts, styles, images and fonts from this site only; styles may be
# inline for Wagtail's userbar, shown to signed-in editors on public pages.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    }
}

# Login throttling (django-axes): five wrong passwords for one account from one address lock
# that pair out for an hour; a correct login resets the count.
# The lockout check first, then Django's own; AxesBackend (not the standalone one) also offers
# get_user(), which logins made without a password (force_login, Wagtail's tests) rely on.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "portal/login_locked.html"

# The public page cache (portal/page_cache.py): off unless PAGE_CACHE_SECONDS is set. Its
# cache must be shared by every server process: a directory on this machine by default.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "0"))
PAGE_CACHE_ALIAS = "pages"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("PAGE_CACHE_DIR", str(BASE_DIR / "var" / "page-cache")),
        "OPTIONS": {"MAX_ENTRIES": 20000},
    },
}

# The search log (search/log/): entries are written SEARCH_LOG_BATCH at a time, or once the
# oldest has waited SEARCH_LOG_WAIT_SECONDS; `manage.py purge_search_log` (daily in deploy/)
# deletes those older than SEARCH_LOG_RETENTION_DAYS.
SEARCH_LOG_BATCH = int(os.environ.get("SEARCH_LOG_BATCH", "20"))
SEARCH_LOG_WAIT_SECONDS = int(os.environ.get("SEARCH_LOG_WAIT_SECONDS", "60"))
SEARCH_LOG_RETENTION_DAYS = int(os.environ.get("SEARCH_LOG_RETENTION_DAYS", "180"))

# Upload limits, the one place they are set (deploy/nginx/portal.conf's client_max_body_size
# must let the largest through; tests/portal/test_deploy.py compares them). Form data other
# than files is refused with 400 above DATA_UPLOAD_MAX_MEMORY_SIZE.
MEGABYTE = 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * MEGABYTE
# Width × height × frames: every upload is decoded in full once (portal/images.py), and each
# rendition decodes it again; a 50-megapixel photo is the largest a worker must hold.
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 50_000_000
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * MEGABYTE
CASE_IMPORT_MAX_UPLOAD_SIZE = 10 * MEGABYTE
# several files imported at once (导入案例), together
CASE_IMPORT_MAX_BATCH_SIZE = 20 * MEGABYTE
# A pasted case may take CASE_IMPORT_MAX_UPLOAD_SIZE: the form's other fields need room beside it.
DATA_UPLOAD_MAX_MEMORY_SIZE = CASE_IMPORT_MAX_UPLOAD_SIZE + MEGABYTE
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * MEGABYTE
# A broken file that starts like an image is refused in Chinese instead of failing later.
WAGTAILIMAGES_IMAGE_FORM_BASE = "portal.images.PortalImageForm"

ROOT_URLCONF = "portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "portal.wsgi.application"

# SQLite in the project folder unless DATABASE_URL names another database.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}


def tune_sqlite(database):
    """Options for an SQLite database serving a site (settings.bench uses them too)."""
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("OPTIONS", {}).update(
            {
                # Concurrent writers (the admin's autosave beside a submit) would otherwise fail
                # with "database is locked": take the write lock up front and wait for it.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                # WAL: readers never wait for a writer, and a commit costs no sync of the whole
                # file (a crash of the process loses nothing; a power cut at most the last commits).
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            }
        )
    return database


tune_sqlite(DATABASES["default"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "portal.User"
WAGTAILIMAGES_IMAGE_MODEL = "portal.PortalImage"
# No avatars from an outside service: offline or behind a firewall they are broken images.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

WAGTAIL_SITE_NAME = "基层党建典型案例库"
WAGTAILADMIN_USER_LOGIN_FORM = "portal.login.PortalLoginForm"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# The address readers open: printed QR codes, handouts and copied links point here when it
# names a real host (portal/addresses.py); the admin's address unless set apart.
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", WAGTAILADMIN_BASE_URL)
# The CJK font cases' share images are drawn in; empty: the first fontconfig lists for Chinese.
SHARE_IMAGE_FONT = os.environ.get("SHARE_IMAGE_FONT", "")
WAGTAILADMIN_PERMITTED_LANGUAGES = [("zh-hans", "简体中文")]
# One time zone: the account page then offers no list of the world's zones (named in English).
WAGTAIL_USER_TIME_ZONES = [TIME_ZONE]
# The project's own zh-Hans translations of what Wagtail's catalogs lack (compiled by make).
LOCALE_PATHS = [BASE_DIR / "locale"]
WAGTAIL_I18N_ENABLED = False
WAGTAIL_ALLOW_UNICODE_SLUGS = True
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")
WAGTAILADMIN_NOTIFICATION_FROM_EMAIL = DEFAULT_FROM_EMAIL
# Milliseconds between the editor's autosaves; 0 turns autosave off (the browser tests do, see
# tests/browser/conftest.py: a submit racing an autosave of a new page can fail in Wagtail 8.0.1).
WAGTAIL_AUTOSAVE_INTERVAL = int(os.environ.get("WAGTAIL_AUTOSAVE_INTERVAL", "500"))
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "doc", "txt", "xlsx", "pptx"]

# Case fixtures refer to their sources by file name in this folder.
SEEDS_DIR = Path(os.environ.get("SEEDS_DIR", BASE_DIR.parent / "shared" / "seeds"))
FIXTURES_DIR = BASE_DIR / "fixtures"

# CasePage replaces Page's title SearchField by a segmented one of the same name
# (search.text.fields.SegmentedField); Wagtail's check only recognises the stock field.
SILENCED_SYSTEM_CHECKS = ["wagtailsearch.W001"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Wagtail's own index serves the admin's page search only (titles and model names, segmented);
# readers' search has its own case index (search.engines). "simple" keeps PostgreSQL from
# stemming or dropping words as English.
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database", "SEARCH_CONFIG": "simple"},
}

# The model a search by meaning reads sentences with (search.text.meaning), as make fetches it.
# Empty, or a folder without its files: search goes by words alone.
SEARCH_MEANING_MODEL = os.environ.get("SEARCH_MEANING_MODEL", str(BASE_DIR / "var" / "models" / "bge-small-zh-v1.5-q"))

# A search cluster (optional, for deployments that outgrow one machine): Elasticsearch 8 or
# OpenSearch 2 or 3, by SEARCH_ENGINE_KIND. Unset SEARCH_ENGINE_URL: the database engine and backend
# above. Set (e.g. http://user:password@search.internal:9200): the cluster's case index answers
# every search and listing (`manage.py search_index --rebuild` builds it), and Wagtail's admin
# search uses the matching backend.
SEARCH_ENGINE_URL = os.environ.get("SEARCH_ENGINE_URL", "")
SEARCH_ENGINE_KIND = os.environ.get("SEARCH_ENGINE_KIND", "elasticsearch")
SEARCH_ENGINE_INDEX_PREFIX = os.environ.get("SEARCH_ENGINE_INDEX_PREFIX", "portal_")
SEARCH_ENGINE_TIMEOUT = float(os.environ.get("SEARCH_ENGINE_TIMEOUT", "5"))
# "" (built-in CJK bigrams, no plugin), "smartcn" or "ik" (plugins the cluster must have).
SEARCH_ENGINE_CHINESE_ANALYZER = os.environ.get("SEARCH_ENGINE_CHINESE_ANALYZER", "")
if SEARCH_ENGINE_URL:
    from django.core.exceptions import ImproperlyConfigured

    from search.engines.elasticsearch.analysis import TEXT_ANALYZERS, WAGTAIL_BACKENDS, wagtail_index_settings

    if SEARCH_ENGINE_KIND not in WAGTAIL_BACKENDS:
        raise ImproperlyConfigured("SEARCH_ENGINE_KIND 只能为 elasticsearch 或 opensearch。")
    if SEARCH_ENGINE_CHINESE_ANALYZER not in TEXT_ANALYZERS:
        raise ImproperlyConfigured("SEARCH_ENGINE_CHINESE_ANALYZER 只能为空、smartcn 或 ik。")
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": WAGTAIL_BACKENDS[SEARCH_ENGINE_KIND],
            "URLS": [SEARCH_ENGINE_URL],
            "INDEX_PREFIX": SEARCH_ENGINE_INDEX_PREFIX,
            "TIMEOUT": SEARCH_ENGINE_TIMEOUT,
            "INDEX_SETTINGS": wagtail_index_settings(),
        },
    }
