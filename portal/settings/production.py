"""Production: everything secret or site-specific comes from the environment."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import MIDDLEWARE, SECRET_KEY, SILENCED_SYSTEM_CHECKS

if not SECRET_KEY:
    raise ImproperlyConfigured("生产环境必须设置环境变量 SECRET_KEY。")

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "true").lower() == "true"
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# Wagtail's live preview shows the page in a same-origin iframe, so DENY would break editing.
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = SILENCED_SYSTEM_CHECKS + ["security.W019"]

# Behind nginx (deploy/), which sets X-Real-IP: lockouts per reader, not per proxy.
AXES_CLIENT_IP_CALLABLE = "portal.proxy.client_address"

# Anonymous readers get cached pages, emptied on every content change (portal/page_cache.py).
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))

# Static files are served by the app itself (WhiteNoise: compressed, cached for a year under
# hashed names), so one gunicorn serves a whole site; `make production` collects them. Media
# (uploads) are served by the web server in front: deploy/nginx/portal.conf.
MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
