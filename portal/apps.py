from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "门户"

    def ready(self):
        from . import public_changes
        from .page_cache import connect_invalidation

        public_changes.connect()
        connect_invalidation()
