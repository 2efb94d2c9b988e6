from django.core.management.base import BaseCommand

from portal.setup import setup_portal


class Command(BaseCommand):
    help = "创建站点、首页、案例库和分类词表（可重复运行）。"

    def handle(self, *args, **options):
        created = setup_portal()
        self.stdout.write("已创建：" + "、".join(created) if created else "一切就绪，无需改动。")
