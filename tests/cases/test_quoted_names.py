"""The names a case's text quotes for its practices, kept on the case for search."""

from importlib import import_module

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cases.models import CasePage
from cases.quoted_names import quoted_names_in
from search.case_search import autocomplete, search_cases
from search.text import vocabulary
from tests.search.test_search_page import publish_case


def test_three_to_five_characters_alone_between_quotation_marks_are_a_name():
    text = "推行“红黑榜”和「五户联防」，又办起“村民说事会”；群众说“让”，“年猪就杀不死”。"
    assert quoted_names_in(text) == ["红黑榜", "五户联防", "村民说事会"]
    assert quoted_names_in("实行“党支部+理事会”“书记、主任分岗评”") == []  # not a name alone
    assert quoted_names_in("推行“紅黑榜”，再推“红黑榜”") == ["红黑榜"]  # Simplified, once


def test_a_quotation_listing_names_gives_each():
    assert quoted_names_in("落实“视才定岗、设岗承诺、争创红星”制度") == ["视才定岗", "设岗承诺", "争创红星"]
    # One item that is no name by its length, and the quotation is no list of names.
    assert quoted_names_in("提出“三有、设岗定责、争创红星示范村”") == []


def _migrate(migration, function):
    apps = MigrationExecutor(connection).loader.project_state(("cases", migration)).apps
    getattr(import_module(f"cases.migrations.{migration}"), function)(apps, None)


@pytest.mark.django_db
def test_every_case_carries_the_names_its_text_quotes():
    """Kept by save() and filled for cases saved before the column (migration 0013), then
    refilled with the names quoted in lists (0014), alike."""
    xingshan = CasePage.objects.get(slug="xingshan-lianghui-liangping")
    shangnan = CasePage.objects.get(slug="shangnan-gongjian-gongfu")
    assert "赔树还田" in xingshan.quoted_names.split() and "视才定岗" in shangnan.quoted_names.split()
    CasePage.objects.update(quoted_names="")
    _migrate("0013_quoted_names", "fill_quoted_names")
    assert "赔树还田" in CasePage.objects.get(pk=xingshan.pk).quoted_names.split()
    assert "视才定岗" not in CasePage.objects.get(pk=shangnan.pk).quoted_names.split()
    _migrate("0014_quoted_names_in_lists", "refill_quoted_names")
    assert "视才定岗" in CasePage.objects.get(pk=shangnan.pk).quoted_names.split()
    for case in CasePage.objects.all():
        saved = case.quoted_names
        case.save()
        assert case.quoted_names == saved, case.slug


@pytest.mark.django_db
def test_a_quoted_name_is_read_from_its_pinyin_from_a_slip_and_completed(django_capture_on_commit_callbacks):
    vocabulary.lexicon()  # read before the case is published: it learns the name from the publish
    with django_capture_on_commit_callbacks(execute=True):
        case = publish_case("引号测试案例", "村里每月张贴“红黑榜”，比一比各组的环境卫生。")
    for typed, meant in (("hongheibang", "红黑榜"), ("洪黑榜", "红黑榜")):
        results = search_cases({"q": typed})
        assert results.query.corrections == [(typed, meant)] and results.hits[0].case == case, typed
    assert {"label": "红黑榜", "kind": "做法", "url": None} in autocomplete("红黑")


@pytest.mark.django_db
def test_a_name_quoted_in_a_list_is_read_from_its_pinyin_and_its_initials():
    for typed in ("shegangchengnuo", "sgcn"):
        results = search_cases({"q": typed})
        assert results.query.corrections == [(typed, "设岗承诺")], typed
        assert [hit.case.slug for hit in results.hits] == ["shangnan-gongjian-gongfu"], typed
