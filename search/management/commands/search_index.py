"""`manage.py search_index [--rebuild]`: the Elasticsearch case index."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

BAR_WIDTH = 30


class Command(BaseCommand):
    help = "Elasticsearch 案例索引：不带参数显示状态；--rebuild 新建索引、批量写入全部已发布案例，再切换别名。"

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="重建案例索引（重建期间搜索照常使用旧索引）。")

    def handle(self, *args, rebuild=False, **options):
        if not settings.ELASTICSEARCH_URL:
            raise CommandError(
                "未设置 ELASTICSEARCH_URL，搜索使用数据库；重建数据库搜索索引请运行 manage.py update_index。"
            )
        # Imported here: without Elasticsearch configured the command needs no client.
        from elasticsearch.helpers import BulkIndexError

        from search.engines.elasticsearch import connection, indexing

        try:
            if rebuild:
                name = indexing.rebuild(progress=self.progress)
                self.stdout.write("")  # ends the progress bar's line
                self.stdout.write(self.style.SUCCESS(f"案例索引已重建：{connection.case_alias()} → {name}"))
            else:
                alias, names, count = indexing.status()
                self.stdout.write(
                    f"{alias} → {'、'.join(names)}，{count} 个案例"
                    if names
                    else f"{alias} 尚未建立，请运行 manage.py search_index --rebuild"
                )
        except (*connection.ERRORS, BulkIndexError) as error:  # BulkIndexError: documents refused
            raise CommandError(f"Elasticsearch 出错：{error}") from error

    def progress(self, done, total):
        # Cases published during the rebuild can take `done` past `total`.
        filled = BAR_WIDTH * min(done, total) // max(total, 1)
        self.stdout.write(f"\r索引案例 [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total}", ending="")
        self.stdout.flush()
