from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cases.fixtures import FixtureError, load_cases


class Command(BaseCommand):
    help = "从 YAML 文件创建或更新案例并发布（全部成功或全部不写入）。"

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(settings.FIXTURES_DIR / "cases"),
                            help="案例文件或目录，默认 fixtures/cases/")

    def handle(self, *args, path, **options):
        try:
            results = load_cases(path)
        except FixtureError as error:
            raise CommandError(f"{error}\n未写入任何内容。") from error
        labels = {"created": "新建", "updated": "更新", "unchanged": "未变"}
        for slug, result in results.items():
            self.stdout.write(f"{labels[result]}  {slug}")
