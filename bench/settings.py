"""Settings for the benchmark: production-like (DEBUG off, no toolbar, no SSL redirect), on the
benchmark database named by BENCH_DATABASE_URL (never the demo db.sqlite3).

BENCH_CACHE=1 turns the portal's public page cache on (the load test's "_cached" runs).
"""

import os
import tempfile

import dj_database_url

from portal.settings.base import *  # noqa: F403
from portal.settings.base import tune_sqlite

SECRET_KEY = "bench-only-insecure-key"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
DATABASES = {
    "default": tune_sqlite(
        dj_database_url.parse(os.environ["BENCH_DATABASE_URL"], conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")))
    )
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = os.environ.get("BENCH_MEDIA_ROOT", os.path.join(tempfile.gettempdir(), "portal-bench-media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "ERROR"},
}

# BENCH_CACHE=1: the portal's page cache (portal/page_cache.py), shared by the gunicorn workers
# through a directory of the benchmark's own.
PAGE_CACHE_SECONDS = 600 if os.environ.get("BENCH_CACHE") == "1" else 0
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.path.join(os.path.dirname(__file__), "var", "page-cache"),
    },
}
