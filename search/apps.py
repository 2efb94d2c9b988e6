from django.apps import AppConfig
from django.conf import settings


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "搜索"

    def ready(self):
        from . import signals

        signals.connect()
        if settings.ELASTICSEARCH_URL:
            from .es import signals as elasticsearch_signals

            elasticsearch_signals.connect()
