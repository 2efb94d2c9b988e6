"""Loading the vocabularies and the seed cases from YAML (format: fixtures/README.md).

Every file is read and checked before anything is written, and the writes of one run happen in
one transaction, so a broken fixture leaves the database as it was.
"""

import json
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.html import escape

from .blocks import SECTION_KINDS
from .models import (
    CaseIndexPage,
    CasePage,
    CollectionCase,
    KeyFigure,
    RelatedCase,
    TrainingCollectionPage,
    TrainingIndexPage,
)
from .taxonomy import Domain, Problem, Region, Theme

SECTION_KIND_VALUES = {value for value, _ in SECTION_KINDS}
UNIT_LEVELS = {value for value, _ in CasePage.UNIT_LEVELS}
CASE_KEYS = {
    "slug",
    "title",
    "model_name",
    "summary",
    "featured",
    "region",
    "unit_level",
    "year_started",
    "year_reported",
    "domain",
    "themes",
    "problems",
    "tags",
    "body",
    "key_figures",
    "related",
    "source",
}
SOURCE_FIELDS = {
    "title": "source_title",
    "publisher": "source_publisher",
    "author": "source_author",
    "date": "source_date",
    "url": "source_url",
    "seed": "source_file",
    "note": "source_note",
}


class FixtureError(Exception):
    """A fixture that cannot be loaded; the message names the file and the field."""

    def __init__(self, path, field, message):
        self.path, self.field = path, field
        super().__init__(f"{path}：字段 {field}：{message}")


def read_yaml(path):
    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise FixtureError(path, "(文件)", f"无法读取：{error}") from error
    if not isinstance(data, dict):
        raise FixtureError(path, "(文件)", "文件内容应是一个映射（键: 值）。")
    return data


# --- vocabularies -----------------------------------------------------------------------------


def load_vocabularies(path):
    """Create the regions and terms listed in `path` (with their aliases); existing ones are left
    as they are, but for aliases they lack."""
    data = read_yaml(path)
    created = 0
    with transaction.atomic():
        for node in data.get("regions") or []:
            created += _load_region(node, parent=None, depth=0)
        for key, model in (("domains", Domain), ("themes", Theme), ("problems", Problem)):
            for entry in data.get(key) or []:
                entry = entry if isinstance(entry, dict) else {"name": entry}
                term, made = model.objects.get_or_create(name=entry["name"])
                created += made
                # Seeded aliases fill an empty field only: a reviewer's edits are kept.
                if entry.get("aliases") and not term.aliases:
                    term.aliases = "\n".join(entry["aliases"])
                    term.save()
    return created


def _load_region(node, parent, depth):
    level = (Region.PROVINCE, Region.CITY, Region.COUNTY)[depth]
    region, created = Region.objects.get_or_create(name=node["name"], parent=parent, defaults={"level": level})
    return created + sum(_load_region(child, region, depth + 1) for child in node.get("children") or [])


# --- cases --------------------------------------------------------------------------------------


@dataclass
class CaseData:
    """One case fixture, checked and resolved against the database's vocabularies."""

    path: Path
    slug: str
    fields: dict
    themes: list
    problems: list
    tags: list
    key_figures: list
    related: list


class CaseReader:
    """Checks one case file field by field and resolves its vocabulary references."""

    def __init__(self, path):
        self.path = path
        self.data = read_yaml(path)

    def fail(self, field, message):
        raise FixtureError(self.path, field, message)

    def text(self, field, value=None, required=True):
        value = self.data.get(field) if value is None else value
        if value is None or value == "":
            if required:
                self.fail(field, "必填。")
            return ""
        if not isinstance(value, (str, int, float)):
            self.fail(field, "应为文字。")
        return str(value).strip()

    def year(self, field):
        value = self.data.get(field)
        if value is None:
            return None
        if not isinstance(value, int) or not 1900 <= value <= 2100:
            self.fail(field, f"年份应为 1900–2100 之间的整数，而不是 {value!r}。")
        return value

    def term(self, model, field, name):
        try:
            return model.objects.get(name=name)
        except model.DoesNotExist:
            self.fail(field, f"“{name}”不在{model._meta.verbose_name}词表中（fixtures/vocabularies.yaml）。")

    def term_list(self, model, field):
        names = self.data.get(field) or []
        if not isinstance(names, list):
            self.fail(field, "应为列表。")
        return [self.term(model, field, str(name)) for name in names]

    def region(self):
        path = self.text("region")
        region = Region.objects.filter(full_name=path.replace("/", "")).first()
        if region is None:
            self.fail("region", f"地区“{path}”不在地区词表中（fixtures/vocabularies.yaml）。")
        return region

    def body(self):
        blocks = self.data.get("body")
        if not isinstance(blocks, list) or not blocks:
            self.fail("body", "至少需要一个段落。")
        return json.dumps([self.block(f"body[{number}]", block) for number, block in enumerate(blocks)])

    def block(self, field, block):
        if not isinstance(block, dict):
            self.fail(field, "应为映射。")
        kind = block.get("type")
        if kind == "section":
            if block.get("kind") not in SECTION_KIND_VALUES:
                self.fail(f"{field}.kind", f"应为 {'、'.join(sorted(SECTION_KIND_VALUES))} 之一。")
            paragraphs = block.get("paragraphs")
            if not isinstance(paragraphs, list) or not paragraphs:
                self.fail(f"{field}.paragraphs", "至少需要一段文字。")
            html = "".join(f"<p>{escape(self.text(f'{field}.paragraphs', p))}</p>" for p in paragraphs)
            value = {
                "kind": block["kind"],
                "heading": self.text(f"{field}.heading", block.get("heading")),
                "text": html,
            }
        elif kind == "quote":
            value = {
                "text": self.text(f"{field}.text", block.get("text")),
                "attribution": self.text(f"{field}.attribution", block.get("attribution"), required=False),
            }
        else:
            self.fail(f"{field}.type", f"未知的类型 {kind!r}，应为 section 或 quote。")
        return {"type": kind, "value": value}

    def key_figures(self):
        figures = self.data.get("key_figures") or []
        if not isinstance(figures, list):
            self.fail("key_figures", "应为列表。")
        result = []
        for number, figure in enumerate(figures):
            field = f"key_figures[{number}]"
            if not isinstance(figure, dict):
                self.fail(field, "应为映射。")
            year = figure.get("year")
            if year is not None and not isinstance(year, int):
                self.fail(f"{field}.year", "应为整数年份。")
            result.append(
                KeyFigure(
                    sort_order=number,  # as listed; orderables are shown by sort_order
                    label=self.text(f"{field}.label", figure.get("label")),
                    value=self.text(f"{field}.value", figure.get("value")),
                    unit=self.text(f"{field}.unit", figure.get("unit"), required=False),
                    year=year,
                    note=self.text(f"{field}.note", figure.get("note"), required=False),
                )
            )
        return result

    def source(self):
        source = self.data.get("source")
        if not isinstance(source, dict):
            self.fail("source", "必填，应为映射。")
        unknown = set(source) - set(SOURCE_FIELDS) - {"complete", "script"}
        if unknown:
            self.fail("source." + ", ".join(sorted(unknown)), "未知字段，请对照 fixtures/README.md 检查拼写。")
        fields = {
            model_field: self.text(f"source.{key}", source.get(key), required=key in ("title", "seed"))
            for key, model_field in SOURCE_FIELDS.items()
        }
        if not isinstance(source.get("complete"), bool):
            self.fail("source.complete", "应为 true 或 false。")
        fields["source_complete"] = source["complete"]
        return fields

    def read(self):
        unknown = set(self.data) - CASE_KEYS
        if unknown:
            self.fail(", ".join(sorted(unknown)), "未知字段，请对照 fixtures/README.md 检查拼写。")
        slug = self.text("slug")
        if slug != self.path.stem:
            self.fail("slug", f"应与文件名一致（{self.path.stem}）。")
        unit_level = self.text("unit_level", required=False)
        if unit_level and unit_level not in UNIT_LEVELS:
            self.fail("unit_level", f"应为 {'、'.join(sorted(UNIT_LEVELS))} 之一。")
        domain = self.text("domain", required=False)
        fields = {
            "title": self.text("title"),
            "model_name": self.text("model_name", required=False),
            "summary": self.text("summary"),
            "featured": bool(self.data.get("featured")),
            "region": self.region(),
            "unit_level": unit_level,
            "year_started": self.year("year_started"),
            "year_reported": self.year("year_reported"),
            "domain": self.term(Domain, "domain", domain) if domain else None,
            "body": self.body(),
            **self.source(),
        }
        tags = self.data.get("tags") or []
        related = self.data.get("related") or []
        if not isinstance(tags, list) or not isinstance(related, list):
            self.fail("tags" if not isinstance(tags, list) else "related", "应为列表。")
        return CaseData(
            path=self.path,
            slug=slug,
            fields=fields,
            themes=self.term_list(Theme, "themes"),
            problems=self.term_list(Problem, "problems"),
            tags=[str(tag) for tag in tags],
            key_figures=self.key_figures(),
            related=[str(slug) for slug in related],
        )


def case_files(path):
    path = Path(path)
    files = sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml")) if path.is_dir() else [path]
    if not files:
        raise FixtureError(path, "(目录)", "没有找到 .yaml 案例文件。")
    return files


def load_cases(path, index_page=None):
    """Create or update the cases under `path` and publish them; returns {slug: 'created' |
    'updated' | 'unchanged' | 'skipped'} (skipped: an existing case someone unpublished)."""
    index_page = index_page or CaseIndexPage.objects.first()
    if index_page is None:
        raise FixtureError(path, "(案例库)", "还没有案例库页面，请先运行 manage.py setup_portal。")
    with transaction.atomic():
        cases = [CaseReader(file).read() for file in case_files(path)]
        known = {case.slug for case in cases} | set(CasePage.objects.values_list("slug", flat=True))
        for case in cases:
            for slug in case.related:
                if slug not in known:
                    raise FixtureError(case.path, "related", f"没有网址名为“{slug}”的案例。")
        # Drafts first, so that related cases within the batch exist when each is published.
        pages = {case.slug: _validated(case, _save_draft, case, index_page) for case in cases}
        return {case.slug: _validated(case, _publish, *pages[case.slug], case) for case in cases}


def _validated(case, step, *args):
    """step(*args), with the page's own validation errors (a URL field, a length) naming the
    fixture's file and field like the reader's do."""
    try:
        return step(*args)
    except ValidationError as error:
        raise _fixture_error(case.path, error) from error


YAML_NAMES = {model_field: f"source.{key}" for key, model_field in SOURCE_FIELDS.items()}


def _fixture_error(path, error):
    fields = getattr(error, "error_dict", {}) or {"(页面)": error.error_list}
    return FixtureError(path, "、".join(YAML_NAMES.get(name, name) for name in fields), "；".join(error.messages))


def _save_draft(case, index_page):
    """(page, created): the existing case, or a new unpublished one."""
    page = CasePage.objects.filter(slug=case.slug).first()
    if page is not None:
        return page, False
    page = CasePage(slug=case.slug, live=False, **case.fields)
    index_page.add_child(instance=page)
    return page, True


def _publish(page, created, case):
    # A case someone unpublished stays unpublished: reloading fixtures must not undo a decision.
    if not created and not page.live:
        return "skipped"
    before = None if created else _content(page)
    for name, value in case.fields.items():
        setattr(page, name, value)
    page.themes = case.themes
    page.problems = case.problems
    page.tags.set(case.tags)
    page.key_figures = case.key_figures
    page.related_case_links = [
        RelatedCase(case=CasePage.objects.get(slug=slug), sort_order=number) for number, slug in enumerate(case.related)
    ]
    if before is not None and _content(page) == before:
        return "unchanged"
    page.save_revision().publish()
    return "updated" if before is not None else "created"


def _content(page):
    """The page's editable content without ids and timestamps, to tell whether a load changes it."""
    ignore = {
        "pk",
        "id",
        "page",
        "content_object",
        "latest_revision",
        "live_revision",
        "last_published_at",
        "latest_revision_created_at",
        "first_published_at",
        "draft_title",
        "has_unpublished_changes",
        "url_path",
        "path",
        "numchild",
        "depth",
        "locked",
        "locked_at",
        "locked_by",
        "live",
    }

    def strip(value):
        if isinstance(value, dict):
            return {key: strip(item) for key, item in value.items() if key not in ignore}
        if isinstance(value, list):
            return [strip(item) for item in value]
        return value

    data = page.serializable_data()
    if isinstance(data.get("body"), str):  # StreamField JSON, whose blocks carry generated ids
        data["body"] = json.loads(data["body"])
    return json.dumps(strip(data), sort_keys=True, default=str)


# --- training collections ---------------------------------------------------------------------

COLLECTION_KEYS = {
    "slug",
    "title",
    "audience",
    "session_dates",
    "learning_goals",
    "introduction",
    "cases",
    "discussion_questions",
}


def _read_collection(path):
    reader = CaseReader(path)
    data = reader.data
    unknown = set(data) - COLLECTION_KEYS
    if unknown:
        reader.fail(", ".join(sorted(unknown)), "未知字段。")
    entries = []
    for number, entry in enumerate(data.get("cases") or []):
        field = f"cases[{number}]"
        if not isinstance(entry, dict) or not CasePage.objects.filter(slug=entry.get("slug")).exists():
            reader.fail(
                f"{field}.slug", f"没有网址名为“{entry.get('slug') if isinstance(entry, dict) else entry}”的案例。"
            )
        entries.append(
            CollectionCase(
                case=CasePage.objects.get(slug=entry["slug"]),
                sort_order=number,
                notes=reader.text(f"{field}.notes", entry.get("notes"), required=False),
                questions="\n".join(entry.get("questions") or []),
            )
        )
    fields = {
        "title": reader.text("title"),
        "audience": reader.text("audience", required=False),
        "session_dates": reader.text("session_dates", required=False),
        "learning_goals": "\n".join(data.get("learning_goals") or []),
        "introduction": f"<p>{escape(reader.text('introduction', required=False))}</p>"
        if data.get("introduction")
        else "",
        "discussion_questions": "\n".join(data.get("discussion_questions") or []),
    }
    return reader.text("slug"), fields, entries


def load_collections(path):
    """Create or update the training collections in `path` and publish them."""
    index_page = TrainingIndexPage.objects.first()
    if index_page is None:
        raise FixtureError(path, "(培训专题栏目)", "还没有培训专题栏目，请先运行 manage.py setup_portal。")
    results = {}
    with transaction.atomic():
        for file in case_files(path):
            slug, fields, entries = _read_collection(file)
            page = TrainingCollectionPage.objects.filter(slug=slug).first()
            if page is None:
                page = TrainingCollectionPage(slug=slug, live=False, **fields)
                index_page.add_child(instance=page)
                before = None
            elif not page.live:
                results[slug] = "skipped"
                continue
            else:
                before = _content(page)
            for name, value in fields.items():
                setattr(page, name, value)
            page.collection_cases = entries
            if before is not None and _content(page) == before:
                results[slug] = "unchanged"
                continue
            page.save_revision().publish()
            results[slug] = "updated" if before is not None else "created"
    return results
