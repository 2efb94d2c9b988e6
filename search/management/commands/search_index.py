"""`manage.py search_index [--rebuild]`: the case index of the configured engine."""

from django.core.management.base import BaseCommand, CommandError

from cases.changes import ContentChange, record
from search import meanings, text_words
from search.engines.interface import EngineUnavailable, engine

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "案例搜索索引（数据库，或已配置的 Elasticsearch / OpenSearch）：不带参数显示状态；"
        "--rebuild 为全部已发布案例重建索引（重建期间搜索照常使用旧索引），并重新统计案例用词的拼音、读出案例句子的语义；"
        "--catch-up 补上搜索服务停机期间错过的变更，并重新读出语义未能及时更新的案例句子。"
    )

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--rebuild", action="store_true", help="重建案例索引（重建期间搜索照常使用旧索引）。")
        action.add_argument("--catch-up", action="store_true", help="补上索引错过的变更（可由 cron 定时运行）。")

    def handle(self, *args, rebuild=False, catch_up=False, **options):
        try:
            if catch_up:
                # Each its own: a case the model cannot read must not keep the index behind.
                learnt, failed = meanings.catch_up()  # journals what it learns
                if learnt:
                    self.stdout.write(self.style.SUCCESS(f"已重新读出 {learnt} 个案例句子的语义。"))
                applied = engine().catch_up()
                if applied:
                    record(ContentChange.SITE)  # pages cached before show the old answers
                self.stdout.write(self.style.SUCCESS(f"已补上 {applied} 条变更。"))
                if failed:
                    raise CommandError(f"{failed} 个案例的句子语义仍未能读出（见日志），下次补读时重试。")
            elif rebuild:
                built = engine().rebuild(progress=self.progress)
                try:
                    self.stdout.write("")  # ends the progress bar's line
                    self.stdout.write(self.style.SUCCESS(f"案例索引已重建：{built}"))
                    words = text_words.rebuild()
                    self.stdout.write(self.style.SUCCESS(f"案例用词已重新统计：{words} 个（可按拼音搜索）"))
                    sentences = meanings.rebuild()
                finally:
                    # Once, after all that was rebuilt (the new index, if nothing after it was):
                    # pages cached before show the old answers, and the other processes read
                    # the sentences afresh.
                    record(ContentChange.SITE)
                if sentences is None:
                    self.stdout.write(
                        self.style.WARNING("没有可用的语义模型（见 SEARCH_MEANING_MODEL 和日志）：搜索只按词语匹配。")
                    )
                else:
                    self.stdout.write(self.style.SUCCESS(f"案例句子的语义已重新读出：{sentences} 句（按意思搜索）"))
            else:
                self.stdout.write(engine().status())
        except EngineUnavailable as error:
            raise CommandError(str(error)) from error

    def progress(self, done, total):
        # Cases published during the rebuild can take `done` past `total`.
        filled = BAR_WIDTH * min(done, total) // max(total, 1)
        self.stdout.write(f"\r索引案例 [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total}", ending="")
        self.stdout.flush()
