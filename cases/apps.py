from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "案例"

    def ready(self):
        from . import changes, signals

        signals.connect()
        changes.connect()
