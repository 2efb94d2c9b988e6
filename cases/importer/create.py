"""Making draft cases from documents: everything is read and detected first, then all drafts
are written in one transaction (all or nothing), never published."""

import json
from dataclasses import dataclass, field

from django.db import transaction
from django.urls import reverse
from django.utils.html import escape

from ..models import CaseIndexPage, CasePage, KeyFigure
from ..slugs import unique_slug
from . import DocumentError
from .clean import clean
from .duplicates import likely_repeats, same_body
from .patterns import LONG_TITLE_MAX
from .places import saved_region
from .structure import build_drafts
from .structure.titles import opening_title_like


@dataclass
class ImportedDocument:
    """One document's outcome: what was detected, what was removed, the drafts made."""

    document: object
    cleaned: object
    drafts: list
    pages: list = field(default_factory=list)

    @property
    def drafts_and_pages(self):
        return list(zip(self.drafts, self.pages))

    def removed_by_rule(self):
        groups = {}
        for item in self.cleaned.removed:
            groups.setdefault(item.rule, []).append(item.text)
        return groups


def analyse(document):
    """Clean and structure one decoded document; DocumentError when no case is found in it."""
    cleaned = clean(document.text)
    drafts = build_drafts(document, cleaned)
    if not drafts:
        first = cleaned.paragraphs[0] if cleaned.paragraphs else ""
        if len(first) > LONG_TITLE_MAX and opening_title_like(first, longest=len(first)):
            raise DocumentError(
                f"“{document.name}”的第一段有 {len(first)} 个字、没有句末标点，像是标题，但比标题长"
                f"（标题不超过 {LONG_TITLE_MAX} 字）：请把标题缩短，或把它和正文分开成行后再导入。"
            )
        raise DocumentError(f"“{document.name}”中没有识别出案例正文（标题和段落）。")
    for draft in drafts:
        draft.notes[:0] = document.notes
    return ImportedDocument(document, cleaned, drafts)


def import_documents(documents, parent=None, user=None, dry_run=False):
    """Analyse every document, then (unless dry_run) create all their drafts under `parent`."""
    parent = parent or CaseIndexPage.objects.first()
    if parent is None:
        raise DocumentError("还没有案例库页面，请先运行 manage.py setup_portal。")
    results = [analyse(document) for document in documents]
    for result in results:
        for draft in result.drafts:
            body = body_json(draft.sections)
            existing = same_body(body)
            if existing is not None:
                raise DocumentError(
                    f"“{result.document.name}”中的《{draft.title}》与已有案例《{existing.title}》正文相同，未导入。",
                    case=existing,
                )
            draft.repeats = likely_repeats(draft, body)
    if dry_run:
        return results
    with transaction.atomic():
        for result in results:
            result.pages = [create_draft(draft, result, parent, user) for draft in result.drafts]
    return results


def body_json(sections):
    """The StreamField value of the sections, as the YAML loader builds it."""
    return json.dumps(
        [
            {
                "type": "section",
                "value": {
                    "kind": section.kind,
                    "heading": section.heading[:200],
                    "text": "".join(f"<p>{escape(paragraph)}</p>" for paragraph in section.paragraphs),
                },
            }
            for section in sections
        ]
    )


def edit_path(page):
    """The admin's address for editing `page`, as the importer's records and its command print it."""
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def import_notes(draft, result):
    removed = result.removed_by_rule()
    parts = ["由导入程序从“" + result.document.name + "”生成，请对照原文核对。"]
    if draft.repeats:
        # Kept with the draft: the run's summary that first said so is seen once, by the importer.
        listed = "；".join(f"《{case.title}》（{edit_path(case)}）" for case in draft.repeats)
        parts.append(f"可能与已有案例重复：{listed}。请核对后再提交审核。")
    if removed:
        parts.append("已删除：" + "；".join(f"{rule}（{len(lines)} 处）" for rule, lines in removed.items()) + "。")
    if result.cleaned.changes:
        parts.append("已处理：" + "；".join(result.cleaned.changes) + "。")
    return "".join(parts + draft.notes)


def create_draft(draft, result, parent, user=None):
    """One draft CasePage under `parent`, with its suggestions and the original text; not live."""
    page = CasePage(
        title=draft.title[:255],
        slug=unique_slug(parent, draft.title),
        live=False,
        model_name=draft.model_name[:100],
        summary=draft.summary,
        body=body_json(draft.sections),
        region=saved_region(draft.region),
        unit_level=draft.unit_level,
        year_started=draft.year_started,
        year_reported=draft.year_reported,
        source_title=draft.source_title[:300],
        source_author=draft.author[:200],
        source_publisher=draft.publisher[:200],
        source_date=draft.date[:50],
        source_file=result.document.name[:200],
        source_complete=draft.complete,
        import_notes=import_notes(draft, result),
        source_text=result.document.text,
    )
    # suggestions for the editor to accept, not the case's classification yet (cases.forms)
    page.import_suggestions = {
        "domain": draft.domain.pk if draft.domain else None,
        "themes": [theme.pk for theme in draft.themes],
        "problems": [problem.pk for problem in draft.problems],
    }
    page.key_figures = [
        KeyFigure(
            sort_order=number,
            label=(f.label or "（待填写）")[:100],
            value=f.value[:50],
            unit=f.unit[:20],
            year=f.year,
            auto_detected=True,
        )
        for number, f in enumerate(draft.figures)
    ]
    page.owner = user  # the editor who imported it may delete their own draft
    parent.add_child(instance=page)
    page.tags.set(draft.tags)
    page.save()
    page.save_revision(user=user, log_action=True)
    return page
