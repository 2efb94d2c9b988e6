"""Local development: DEBUG on, a throw-away secret key, mail printed to the console."""

import os

from .base import *  # noqa: F403
from .base import SECRET_KEY

DEBUG = True
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-do-not-use-in-production"
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Each search logged as it ends, so that the admin's search reports show it at once.
SEARCH_LOG_BATCH = int(os.environ.get("SEARCH_LOG_BATCH", "1"))
