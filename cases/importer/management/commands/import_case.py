from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.importer import DocumentError
from cases.importer.batch import import_files
from cases.importer.create import edit_path
from cases.importer.decode import MAX_BYTES, too_big
from cases.models import CaseIndexPage


class Command(BaseCommand):
    help = (
        "把网页抓取的文字、文本文件、Word/WPS 文档、PDF 或其 .zip 压缩包导入为案例草稿（不发布）："
        "每个文件要么完整导入，要么不写入；有文件未导入时退出码为 1。"
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help=".txt、.html/.htm、.docx、.doc、.wps、.pdf、.ofd 或 .zip 文件")
        parser.add_argument("--dry-run", action="store_true", help="只显示识别结果，不创建草稿")
        parser.add_argument("--parent", help="案例库页面的网址名（slug），默认为第一个案例库")

    def handle(self, *args, files, dry_run, parent, **options):
        try:
            outcomes = import_files([self.read(path) for path in files], parent=self.parent(parent), dry_run=dry_run)
        except DocumentError as error:
            raise CommandError(f"{error}\n未写入任何内容。") from error
        for outcome in outcomes:
            if outcome.result:
                self.report(outcome.result, dry_run)
        self.summary(outcomes, dry_run)
        refused = [outcome for outcome in outcomes if outcome.refused]
        if refused:
            raise CommandError(
                f"{len(refused)} 个文件未导入（原因见上表），其余文件已{'识别' if dry_run else '导入'}。"
            )

    def parent(self, slug):
        if slug is None:
            return None
        index = CaseIndexPage.objects.filter(slug=slug).first()
        if index is None:
            raise DocumentError(f"没有网址名为“{slug}”的案例库。")
        return index

    def read(self, path):
        """(name, bytes), or (name, the error) for a file that cannot be read."""
        path = Path(path)
        if not path.is_file():
            return path.name, DocumentError(f"找不到文件“{path}”。")
        if path.stat().st_size > MAX_BYTES:
            return path.name, too_big(path.name)
        return path.name, path.read_bytes()

    def summary(self, outcomes, dry_run):
        created = [outcome for outcome in outcomes if not outcome.refused]
        self.stdout.write(
            f"== 汇总：{len(outcomes)} 个文件，{'可导入' if dry_run else '已导入'} {len(created)} 个"
            f"（其中可能重复 {sum(bool(outcome.repeats) for outcome in created)} 个），"
            f"未导入 {len(outcomes) - len(created)} 个"
        )
        for outcome in outcomes:
            if outcome.refused:
                detail = outcome.error
                if outcome.copy_of:
                    detail += f"已有案例：{edit_path(outcome.copy_of)}"
            elif dry_run:
                detail = "、".join(draft.title for draft in outcome.result.drafts)
            else:
                detail = "；".join(f"{page.title} {edit_path(page)}" for page in outcome.result.pages)
            self.stdout.write(f"  {outcome.name}	{outcome.status}	{detail}")
        if dry_run:
            self.stdout.write("试运行：未写入任何内容。")

    def report(self, result, dry_run):
        document = result.document
        self.stdout.write(f"== {document.name}（{document.described}）")
        pages = result.pages or [None] * len(result.drafts)
        for draft, page in zip(result.drafts, pages):
            self.stdout.write(f"  案例：{draft.title}")
            if draft.source_title != draft.title:
                self.stdout.write(f"    原文标题：{draft.source_title}")
            self.stdout.write(
                f"    地区：{draft.region.full_name if draft.region else '（未识别）'}"
                f"  年份：{draft.year_started or '—'}–{draft.year_reported or '—'}"
                f"  模式名称：{draft.model_name or '—'}"
            )
            for section in draft.sections:
                self.stdout.write(f"    [{section.kind}] {section.heading}（{len(section.paragraphs)} 段）")
            self.stdout.write(
                f"    关键数据 {len(draft.figures)} 项（另有 {len(draft.other_figures)} 项备选）；主题：{'、'.join(t.name for t in draft.themes) or '—'}"
                f"；难题：{'、'.join(p.name for p in draft.problems) or '—'}"
            )
            for note in draft.notes:
                self.stdout.write(f"    注意：{note}")
            for case in draft.repeats:
                self.stdout.write(f"    可能与已有案例重复：{case.title}（{edit_path(case)}）")
            if page is not None:
                self.stdout.write(f"    已创建草稿 {edit_path(page)}")
        for rule, lines in result.removed_by_rule().items():
            self.stdout.write(f"  删除 {rule}：{len(lines)} 处")
