"""bench.corpus: the bulk-written synthetic cases are the pages Page.add_child would have made."""

import io
import random

import pytest
from django.core.management import call_command
from django.forms.models import model_to_dict
from wagtail.models import Page

from bench.corpus import BulkWriter, SeedPool, build_corpus, case_fields, vocabulary
from cases.models import CaseIndexPage, CasePage, KeyFigure
from search.engines.database.fulltext import matching_cases

pytestmark = pytest.mark.django_db
# Differ by construction: the row's identity and place in the tree.
IDENTITY = {"id", "page_ptr", "path", "slug", "url_path", "translation_key", "latest_revision_created_at"}


def saved_the_wagtail_way(fields, themes, problems, tags, figures):
    case = CasePage(**{**fields, "slug": fields["slug"] + "-wagtail"})
    case.themes, case.problems = themes, problems
    case.tags.set(tags)
    case.key_figures = [KeyFigure(**figure, sort_order=i) for i, figure in enumerate(figures)]
    CaseIndexPage.objects.get().add_child(instance=case)
    return CasePage.objects.get(pk=case.pk)


def described(case):
    row = {
        name: value
        for name, value in model_to_dict(case).items()
        if name not in IDENTITY | {"themes", "problems", "tags"}
    }
    row["body"] = [{**block, "id": None} for block in case.body.get_prep_value()]  # ids are random uuids
    return row, (
        sorted(case.themes.values_list("pk", flat=True)),
        sorted(case.problems.values_list("pk", flat=True)),
        sorted(case.tags.names()),
        list(case.key_figures.order_by("sort_order").values_list("label", "value", "unit", "year", "note")),
    )


def test_bulk_written_cases_equal_cases_saved_through_wagtail(client):
    pool, vocab = SeedPool(), vocabulary()
    drawn = [case_fields(number, random.Random(number), pool, vocab) for number in range(1, 4)]
    expected = [saved_the_wagtail_way(*case) for case in drawn]
    writer = BulkWriter()
    batch = [(writer.page(fields), *rest) for fields, *rest in drawn]
    writer.write(
        [
            (
                case,
                themes,
                problems,
                tags,
                [
                    dict(label=f.label, value=f.value, unit=f.unit, year=f.year, note=f.note)
                    for f in wagtail.key_figures.all()
                ],
            )
            for (case, themes, problems, tags, _), wagtail in zip(batch, expected)
        ]
    )
    for wagtail, (case, *_) in zip(expected, batch):
        written = CasePage.objects.get(pk=case.pk)
        assert described(written) == described(wagtail)
        assert written.url_path == wagtail.url_path.replace(wagtail.slug, written.slug)
    assert Page.find_problems() == ([], [], [], [], [])  # paths, depths and child counts agree
    case = CasePage.objects.get(pk=batch[-1][0].pk)
    assert client.get(case.url).status_code == 200


def test_the_corpus_is_searchable_once_indexed(client):
    slugs = build_corpus(5, seed=3)
    assert CasePage.objects.filter(slug__in=slugs, live=True).count() == 5
    call_command("search_index", "--rebuild", stdout=io.StringIO())
    assert set(CasePage.objects.filter(slug__in=slugs).values_list("pk", flat=True)) <= set(
        matching_cases(["合成案例"])
    )
