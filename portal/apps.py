from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "门户"

    def ready(self):
        from .page_cache import connect_invalidation

        connect_invalidation()
