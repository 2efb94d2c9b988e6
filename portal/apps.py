from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "门户"

    def ready(self):
        from . import checks, compare, labels, public_changes  # noqa: F401 (checks registers itself)

        public_changes.connect()
        compare.register()
        labels.name_unlabelled_fields()
