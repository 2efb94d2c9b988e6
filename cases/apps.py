from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "案例"

    def ready(self):
        from wagtail.signals import page_published

        from . import changes, share_card, signals
        from .pages import CasePage

        signals.connect()
        changes.connect()
        page_published.connect(share_card.draw_on_publish, sender=CasePage, dispatch_uid="case_share_card")
