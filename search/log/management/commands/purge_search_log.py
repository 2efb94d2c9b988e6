from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from search.log.recorder import purge


class Command(BaseCommand):
    help = "删除超过保留期限的搜索记录（默认 SEARCH_LOG_RETENTION_DAYS 天）。"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, help="保留最近多少天的记录")

    def handle(self, *args, days=None, **options):
        days = settings.SEARCH_LOG_RETENTION_DAYS if days is None else days
        if days < 0:
            raise CommandError("保留天数不能为负数。")
        deleted = purge(days)
        self.stdout.write(f"已删除 {deleted} 条 {days} 天以前的搜索记录。")
