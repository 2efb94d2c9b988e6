from django.apps import AppConfig


class ImporterConfig(AppConfig):
    """导入案例: documents into draft cases (its admin view, templates and `manage.py import_case`).
    It has no models: the drafts it writes are cases.CasePage."""

    name = "cases.importer"
    label = "case_importer"
    verbose_name = "案例导入"
