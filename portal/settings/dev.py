"""Local development: DEBUG on (unless DJANGO_DEBUG=false, as `make demo` sets), a throw-away
secret key, mail printed to the console."""

import os

from .base import *  # noqa: F403
from .base import MIDDLEWARE, SECRET_KEY

# Off in `make demo`: readers of the demo see the portal's own Chinese error pages, as in
# production, not Django's English debug pages.
DEBUG = os.environ.get("DJANGO_DEBUG", "true").lower() in ("1", "true", "yes", "on")
# Static files straight from the apps' folders, and uploads (portal.urls), with DEBUG on or off:
# without DEBUG, runserver serves neither.
MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
SERVE_MEDIA = True
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-do-not-use-in-production"
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Each search logged as it ends, so that the admin's search reports show it at once.
SEARCH_LOG_BATCH = int(os.environ.get("SEARCH_LOG_BATCH", "1"))
