"""`manage.py backup [--output DIR_OR_FILE]`: the database and the media files in one .tar.gz."""

from django.core.management.base import BaseCommand, CommandError

from portal.backup.archive import BackupError, create_backup, default_backup_dir


class Command(BaseCommand):
    help = (
        "备份：把数据库（全部数据）和媒体文件（图片、文档）打包成一个 .tar.gz，附清单（格式版本、时间、"
        "数据库类型、Django/Wagtail 版本、校验和）。用 manage.py restore 恢复。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            metavar="DIR_OR_FILE",
            help=f"备份文件夹或文件名（默认 {default_backup_dir()}/portal-backup-日期-时间.tar.gz）。",
        )

    def handle(self, *args, output=None, **options):
        self.verbosity = options.get("verbosity", 1)
        try:
            path = create_backup(output, log=self.log)
        except BackupError as error:
            raise CommandError(str(error)) from error
        # The path alone on the last line, for scripts: `manage.py backup | tail -n1`.
        self.stdout.write(str(path))

    def log(self, message):
        if self.verbosity > 0:
            self.stderr.write(message)
