from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cases.fixtures import FixtureError, load_cases, load_collections

DEFAULT_CASES = settings.FIXTURES_DIR / "cases"
DEFAULT_COLLECTIONS = settings.FIXTURES_DIR / "collections"
LABELS = {"created": "新建", "updated": "更新", "unchanged": "未变", "skipped": "已下线，跳过"}


class Command(BaseCommand):
    help = "从 YAML 文件创建或更新案例（及培训专题）并发布：全部成功，或全部不写入。"

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_CASES), help="案例文件或目录，默认 fixtures/cases/")
        parser.add_argument(
            "--collections", help="培训专题文件或目录；不给出时，只在载入默认案例目录时载入 fixtures/collections/"
        )

    def handle(self, *args, path, collections, **options):
        if collections is None and Path(path).resolve() == DEFAULT_CASES.resolve():
            collections = str(DEFAULT_COLLECTIONS)
        try:
            with transaction.atomic():
                results = load_cases(path)
                collection_results = load_collections(collections) if collections else {}
        except FixtureError as error:
            raise CommandError(f"{error}\n未写入任何内容。") from error
        for slug, result in results.items():
            self.stdout.write(f"{LABELS[result]}  {slug}")
        for slug, result in collection_results.items():
            self.stdout.write(f"{LABELS[result]}  培训专题 {slug}")
