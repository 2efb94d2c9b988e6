"""`manage.py restore FILE [--yes]`: replace the database and the media files by a backup's."""

import sys

from django.core.management.base import BaseCommand, CommandError

from portal.backup.archive import MEDIA_PREFIX, BackupError, inspect_backup, restore_backup


class Command(BaseCommand):
    help = (
        "从 manage.py backup 生成的备份恢复：先完整校验备份，再在一个事务里用它替换数据库的全部数据和媒体文件，"
        "重建搜索索引；任何一步出错都会回滚，什么也不改。会覆盖现有数据，须确认或加 --yes。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="备份文件（.tar.gz）")
        parser.add_argument("--yes", action="store_true", help="不再询问，直接恢复（用于脚本）。")

    def handle(self, *args, file, yes=False, **options):
        self.verbosity = options.get("verbosity", 1)
        try:
            manifest = inspect_backup(file)
        except BackupError as error:
            raise CommandError(str(error)) from error

        media = sum(1 for name in manifest["files"] if name.startswith(MEDIA_PREFIX))
        versions = manifest["versions"]
        self.stdout.write(
            f"备份 {file}\n"
            f"  创建于 {manifest['created_at']}，数据库 {manifest['database'].get('vendor', '?')}，"
            f"Django {versions.get('django', '?')}，Wagtail {versions.get('wagtail', '?')}\n"
            f"  {sum(manifest['counts'].values())} 行数据，{media} 个媒体文件"
        )
        if not yes:
            warning = "恢复会用这个备份替换当前数据库中的全部数据和全部媒体文件，现有内容将被覆盖。"
            if not sys.stdin.isatty():
                raise CommandError(warning + "确认无误请加 --yes 再运行。")
            answer = input(warning + "\n输入 yes 确认恢复：")
            if answer.strip().lower() != "yes":
                raise CommandError("已取消，什么也没有改动。")
        try:
            summary = restore_backup(file, log=self.log)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if summary["warnings"]:
            self.stdout.write(self.style.WARNING(f"完成，但有 {len(summary['warnings'])} 条提醒（见上）。"))
        else:
            self.stdout.write(self.style.SUCCESS("恢复完成。"))

    def log(self, message):
        if self.verbosity > 0:
            self.stderr.write(message)
