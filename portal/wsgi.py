import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")

application = get_wsgi_application()

# A server that would answer every page with a 500 refuses to start instead, saying why.
from portal.checks import deployment_errors  # noqa: E402 (needs the apps loaded above)

if errors := deployment_errors():
    raise ImproperlyConfigured("\n".join(errors))
