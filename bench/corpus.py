"""A deterministic synthetic corpus made of the seed cases' real sentences.

Every synthetic case recombines sentences of the six seed fixtures (fixtures/cases/*.yaml):
sections keep their kind (背景/做法/成效/启示) and a real heading, and their paragraphs are
real sentences of sections of the same kind, shuffled across cases. Region, domain, themes,
problems, tags, years and key figures are drawn from the vocabularies. Titles and slugs say
that the case is synthetic (slug bench-000001, source “基准测试合成案例”).

Pages are written live, without revisions, in bulk: a batch of pages is a few multi-row
inserts into the page tree, the case table and the tables of themes, problems, tags and key
figures, instead of Page.add_child's dozens of queries, validation, reference index and search
index a page (85 ms a case at 10,000, growing with the siblings). The search index is built
afterwards, part by part as `search_index --rebuild` builds it, each part timed (bench.run). Nothing
reads the reference index (the admin's "usage" counts) of synthetic cases, so none is written.
"""

import json
import random
import re
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F
from django.utils.html import escape
from taggit.models import Tag
from wagtail.models import Page

from cases import changes
from cases.fixtures import case_files, read_yaml
from cases.models import CaseIndexPage, CasePage, CasePageTag, KeyFigure
from cases.taxonomy import Domain, Problem, Region, Theme

# Real provinces → cities → counties, added to the benchmark database only, so that region
# filters and the province facet have more than the six seed provinces to work with.
EXTRA_REGIONS = [
    ("浙江省", "杭州市", "桐庐县"),
    ("四川省", "成都市", "蒲江县"),
    ("河南省", "信阳市", "光山县"),
    ("福建省", "宁德市", "寿宁县"),
    ("贵州省", "遵义市", "湄潭县"),
    ("甘肃省", "定西市", "渭源县"),
    ("安徽省", "六安市", "金寨县"),
    ("河北省", "保定市", "阜平县"),
]
SENTENCE_END = re.compile(r"(?<=[。！？；])")
SLUG_PREFIX = "bench-"


def _sentences(text):
    return [part.strip() for part in SENTENCE_END.split(text or "") if len(part.strip()) >= 6]


class SeedPool:
    """Sentences, headings, model names, tags and key figures of the seed fixtures."""

    def __init__(self, path=None):
        self.by_kind, self.headings, self.quotes = {}, {}, []
        self.summaries, self.model_names, self.tags, self.figures = [], [], set(), []
        for file in case_files(path or settings.FIXTURES_DIR / "cases"):
            data = read_yaml(file)
            self.summaries += _sentences(data.get("summary"))
            if data.get("model_name"):
                self.model_names.append(str(data["model_name"]))
            self.tags.update(str(tag) for tag in data.get("tags") or [])
            self.figures += [figure for figure in data.get("key_figures") or [] if isinstance(figure, dict)]
            for block in data.get("body") or []:
                if block.get("type") == "section":
                    kind = block["kind"]
                    self.headings.setdefault(kind, set()).add(str(block["heading"]))
                    for paragraph in block.get("paragraphs") or []:
                        self.by_kind.setdefault(kind, []).extend(_sentences(str(paragraph)))
                elif block.get("type") == "quote":
                    self.quotes.append({"text": str(block["text"]), "attribution": str(block.get("attribution") or "")})
        self.tags = sorted(self.tags)
        self.headings = {kind: sorted(values) for kind, values in self.headings.items()}
        self.kinds = [kind for kind in ("背景", "做法", "成效", "启示") if self.by_kind.get(kind)]


def add_extra_regions():
    created = 0
    for names in EXTRA_REGIONS:
        parent = None
        for level, name in zip((Region.PROVINCE, Region.CITY, Region.COUNTY), names):
            parent, new = Region.objects.get_or_create(name=name, parent=parent, defaults={"level": level})
            created += new
    return created


def _paragraphs(rng, pool, kind):
    sentences = pool.by_kind[kind]
    return ["".join(rng.sample(sentences, min(len(sentences), rng.randint(2, 5)))) for _ in range(rng.randint(1, 4))]


def _body(rng, pool):
    blocks = []
    for kind in pool.kinds:
        if kind != "背景" and rng.random() < 0.15:
            continue  # not every case has every kind of section
        for _ in range(2 if kind == "做法" and rng.random() < 0.5 else 1):
            html = "".join(f"<p>{escape(text)}</p>" for text in _paragraphs(rng, pool, kind))
            blocks.append(
                {"type": "section", "value": {"kind": kind, "heading": rng.choice(pool.headings[kind]), "text": html}}
            )
        if kind == "做法" and pool.quotes and rng.random() < 0.3:
            blocks.append({"type": "quote", "value": dict(rng.choice(pool.quotes))})
    return json.dumps(blocks, ensure_ascii=False)


def case_fields(number, rng, pool, vocab):
    """Field values, themes, problems, tags and key figures of synthetic case `number` (1-based)."""
    region = rng.choice(vocab["regions"])
    start = rng.randint(1998, 2020)
    reported = start + rng.randint(0, 5)
    first_clause = re.split(r"[，,。；：]", rng.choice(pool.by_kind["做法"]))[0][:30]
    title = f"{region.name}：{first_clause}（合成案例{number}）"
    fields = {
        "title": title[:250],
        "slug": f"{SLUG_PREFIX}{number:06d}",
        "model_name": rng.choice(pool.model_names) if rng.random() < 0.2 else "",
        "summary": "".join(rng.sample(pool.summaries, min(len(pool.summaries), 2))),
        "featured": False,
        "region": region,
        "unit_level": rng.choice(["县", "乡镇", "村", "社区", "市"]),
        "year_started": start,
        "year_reported": reported,
        "domain": rng.choice(vocab["domains"]),
        "body": _body(rng, pool),
        "source_title": "基准测试合成案例",
        "source_note": "由 bench/corpus.py 用种子案例的原句重组生成，仅用于性能测试，内容不代表真实案例。",
        "source_complete": True,
        "live": True,
        "first_published_at": datetime(reported, rng.randint(1, 12), rng.randint(1, 28), 8, tzinfo=UTC),
    }
    fields["last_published_at"] = fields["first_published_at"]
    themes = rng.sample(vocab["themes"], rng.randint(1, 3))
    problems = rng.sample(vocab["problems"], rng.randint(1, 3))
    tags = rng.sample(pool.tags, rng.randint(0, 4))
    figures = rng.sample(pool.figures, min(len(pool.figures), rng.randint(0, 3)))
    return fields, themes, problems, tags, figures


class BulkWriter:
    """Writes live cases under the case library, a batch at a time, as Page.add_child would."""

    BATCH = 500

    def __init__(self):
        self.parent = CaseIndexPage.objects.get()
        self.content_type = ContentType.objects.get_for_model(CasePage)
        last = self.parent.get_last_child()
        self.step = CasePage._str2int(last.path[-CasePage.steplen :]) if last else 0
        self.tags = {}
        self.case_fields = [field for field in CasePage._meta.local_concrete_fields]

    def page(self, fields):
        self.step += 1
        depth = self.parent.depth + 1
        return CasePage(
            **fields,
            content_type=self.content_type,
            locale_id=self.parent.locale_id,
            path=CasePage._get_path(self.parent.path, depth, self.step),
            depth=depth,
            numchild=0,
            url_path=f"{self.parent.url_path}{fields['slug']}/",
            draft_title=fields["title"],
        )

    def tag(self, name):
        if name not in self.tags:
            self.tags[name] = Tag.objects.get_or_create(name=name)[0]  # Tag.save() makes the slug
        return self.tags[name]

    @transaction.atomic
    def write(self, batch):
        """`batch`: (CasePage, themes, problems, tag names, key figure dicts) of unsaved cases."""
        rows = Page.objects.bulk_create(
            [
                Page(
                    **{
                        field.attname: getattr(case, field.attname)
                        for field in Page._meta.concrete_fields
                        if not field.primary_key
                    }
                )
                for case, *_ in batch
            ]
        )
        for (case, *_), row in zip(batch, rows):
            case.pk = case.page_ptr_id = row.pk
        columns = ", ".join(connection.ops.quote_name(field.column) for field in self.case_fields)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {CasePage._meta.db_table} ({columns}) "
                f"VALUES ({', '.join(['%s'] * len(self.case_fields))})",
                [
                    [field.get_db_prep_save(field.pre_save(case, True), connection) for field in self.case_fields]
                    for case, *_ in batch
                ],
            )
        themes, problems = CasePage.themes.through, CasePage.problems.through
        themes.objects.bulk_create(
            [themes(casepage_id=case.pk, theme=theme) for case, chosen, *_ in batch for theme in chosen]
        )
        problems.objects.bulk_create(
            [problems(casepage_id=case.pk, problem=problem) for case, _, chosen, *_ in batch for problem in chosen]
        )
        CasePageTag.objects.bulk_create(
            [
                CasePageTag(content_object_id=case.pk, tag=self.tag(name))
                for case, _, _, names, _ in batch
                for name in names
            ]
        )
        KeyFigure.objects.bulk_create(
            [
                KeyFigure(
                    page_id=case.pk,
                    label=str(f.get("label", "")),
                    value=str(f.get("value", ""))[:50],
                    unit=str(f.get("unit") or "")[:20],
                    year=f.get("year") if isinstance(f.get("year"), int) else None,
                    note=str(f.get("note") or "")[:200],
                    sort_order=i,
                )
                for case, *_, figures in batch
                for i, f in enumerate(figures)
            ]
        )
        Page.objects.filter(pk=self.parent.pk).update(numchild=F("numchild") + len(batch))


def vocabulary():
    """What case_fields draws from, in a fixed order. Cases are filed at county level when the
    tree goes that deep, else at city level."""
    return {
        "regions": list(Region.objects.filter(children__isnull=True).select_related("parent__parent").order_by("pk")),
        "domains": list(Domain.objects.order_by("pk")),
        "themes": list(Theme.objects.order_by("pk")),
        "problems": list(Problem.objects.order_by("pk")),
    }


def build_corpus(count, seed, progress=None):
    """Create `count` synthetic live cases under the case library; returns their slugs."""
    rng = random.Random(seed)
    pool = SeedPool()
    add_extra_regions()
    vocab = vocabulary()
    writer = BulkWriter()
    slugs = []
    for start in range(0, count, BulkWriter.BATCH):
        batch = []
        for number in range(start + 1, min(count, start + BulkWriter.BATCH) + 1):
            fields, themes, problems, tags, figures = case_fields(number, rng, pool, vocab)
            batch.append((writer.page(fields), themes, problems, tags, figures))
        writer.write(batch)
        slugs += [case.slug for case, *_ in batch]
        if progress:
            progress(len(slugs))
    changes.record(changes.ContentChange.EVERYTHING)  # no page was saved: tell caches and catalogues
    return slugs


def corpus_size():
    """How many synthetic cases the database holds."""
    from cases.models import CasePage

    return CasePage.objects.filter(slug__startswith=SLUG_PREFIX).count()
