from django.apps import AppConfig


class SearchLogConfig(AppConfig):
    name = "search.log"
    label = "search_log"
    verbose_name = "搜索记录"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import recorder

        recorder.connect()
