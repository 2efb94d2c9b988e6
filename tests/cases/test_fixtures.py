"""setup_portal and load_cases: idempotent, faithful, and all-or-nothing."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command
from wagtail.models import Page, Revision, Site

from cases.fixtures import FixtureError, load_cases, load_collections
from cases.models import CasePage, KeyFigure
from cases.taxonomy import Region, Theme
from portal.setup import setup_portal
from search.text import normalise, strip_pinyin_notes, to_simplified
from tests.conftest import SEED_SLUGS

CASES_DIR = settings.FIXTURES_DIR / "cases"


def snapshot():
    return {
        "pages": Page.objects.count(),
        "sites": Site.objects.count(),
        "regions": Region.objects.count(),
        "themes": Theme.objects.count(),
        "figures": KeyFigure.objects.count(),
        "revisions": Revision.objects.count(),
        "live_cases": sorted(CasePage.objects.live().values_list("slug", flat=True)),
    }


@pytest.fixture
def cases_copy(tmp_path):
    folder = tmp_path / "cases"
    shutil.copytree(CASES_DIR, folder)
    return folder


def edit(path, **changes):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(changes)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


@pytest.mark.django_db
def test_the_six_seed_cases_are_live():
    assert sorted(CasePage.objects.live().values_list("slug", flat=True)) == sorted(SEED_SLUGS)


@pytest.mark.django_db
def test_setup_and_load_twice_change_nothing():
    before = snapshot()
    assert setup_portal() == []
    results = load_cases(CASES_DIR)
    assert set(results.values()) == {"unchanged"}
    assert set(load_collections(settings.FIXTURES_DIR / "collections").values()) == {"unchanged"}
    call_command("setup_portal", stdout=open("/dev/null", "w"))
    call_command("load_cases", stdout=open("/dev/null", "w"))
    assert snapshot() == before


@pytest.mark.django_db
def test_a_changed_fixture_updates_and_republishes_its_case(cases_copy):
    edit(cases_copy / "wuchang-1-3.yaml", model_name="1+3模式（测试）")
    results = load_cases(cases_copy)
    assert results["wuchang-1-3"] == "updated"
    assert results["xingshan-lianghui-liangping"] == "unchanged"
    page = CasePage.objects.get(slug="wuchang-1-3")
    assert page.model_name == "1+3模式（测试）"
    assert page.live and not page.has_unpublished_changes


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field, value, message",
    [
        ("region", "火星省/无名市", "region"),
        ("themes", ["不存在的主题"], "themes"),
        ("year_started", "去年", "year_started"),
        ("related", ["no-such-case"], "related"),
        ("body", [], "body"),
        ("summary", None, "summary"),
        ("colour", "red", "colour"),
    ],
)
def test_a_broken_fixture_names_file_and_field_and_writes_nothing(cases_copy, field, value, message):
    # A new, valid case sorts before the broken one, so it would be written first.
    new_case = cases_copy / "aaa-new-case.yaml"
    shutil.copy(cases_copy / "wuchang-1-3.yaml", new_case)
    edit(new_case, slug="aaa-new-case")
    edit(cases_copy / "xingshan-lianghui-liangping.yaml", **{field: value})
    before = snapshot()
    with pytest.raises(FixtureError) as error:
        load_cases(cases_copy)
    assert "xingshan-lianghui-liangping.yaml" in str(error.value)
    assert message in str(error.value)
    assert snapshot() == before
    assert not CasePage.objects.filter(slug="aaa-new-case").exists()


@pytest.mark.django_db
def test_the_command_reports_a_broken_fixture_in_chinese(cases_copy):
    (cases_copy / "wuchang-1-3.yaml").write_text("title: [未闭合\n", encoding="utf-8")
    with pytest.raises(CommandError, match="wuchang-1-3.yaml.*无法读取(?s:.*)未写入任何内容"):
        call_command("load_cases", str(cases_copy))


@pytest.mark.django_db
def test_fixtures_without_a_site_ask_for_setup_portal(cases_copy):
    CasePage.objects.all().delete()
    Page.objects.filter(slug="cases").delete()
    with pytest.raises(FixtureError, match="setup_portal"):
        load_cases(cases_copy)


def test_fixtures_pass_the_shared_fidelity_check():
    checker = Path(settings.BASE_DIR).parent / "shared" / "checks" / "fixture_fidelity.py"
    result = subprocess.run([sys.executable, str(checker), str(CASES_DIR)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# Document sites split a text into numbered page chunks ("\n\n2、") that can fall mid-sentence.
PAGE_CHUNK = re.compile(r"\n\n\d{1,2}、")


def comparable(text):
    return re.sub(r"\s", "", to_simplified(normalise(strip_pinyin_notes(text))))


@pytest.mark.parametrize("slug", SEED_SLUGS)
def test_every_paragraph_is_the_sources_own_text(slug):
    data = yaml.safe_load((CASES_DIR / f"{slug}.yaml").read_text(encoding="utf-8"))
    raw = (settings.SEEDS_DIR / data["source"]["seed"]).read_text(encoding="utf-8")
    source = comparable(PAGE_CHUNK.sub("", raw))
    texts = [p for block in data["body"] for p in block.get("paragraphs", [block.get("text", "")])]
    missing = [text[:40] for text in texts if comparable(text) not in source]
    assert texts and not missing


@pytest.mark.django_db
def test_reloading_leaves_an_unpublished_case_unpublished():
    CasePage.objects.get(slug="wuchang-1-3").unpublish()
    assert load_cases(CASES_DIR)["wuchang-1-3"] == "skipped"
    assert not CasePage.objects.get(slug="wuchang-1-3").live


def test_key_figures_keep_the_order_of_the_fixture(seed_case):
    """Orderables are shown by sort_order: without it the database may return them in any order."""
    case = seed_case("wuchang-1-3")
    figures = list(case.key_figures.all())
    assert [figure.sort_order for figure in figures] == list(range(len(figures)))
    assert figures[0].label == "农民专业合作社"


@pytest.mark.parametrize("slug", SEED_SLUGS)
def test_a_summary_is_the_editors_text_without_a_sources_masking_marks(slug):
    """Sources mask names and years (“*市”, “20_年”); the body keeps them as written, the summary
    a reader sees first does not."""
    summary = yaml.safe_load((CASES_DIR / f"{slug}.yaml").read_text(encoding="utf-8"))["summary"]
    assert not re.search(r"\*|\d_|_年", summary), summary[:40]


@pytest.mark.django_db
def test_what_the_editor_tells_readers_names_no_internal_field():
    """The public 编者说明 and key-figure notes speak Chinese, not the fixtures' field names."""
    fields = {field.name for field in CasePage._meta.get_fields()} | {"null", "none", "true", "false", "author"}
    for case in CasePage.objects.live():
        texts = [case.source_note, *(figure.note for figure in case.key_figures.all())]
        named = {word for text in texts for word in re.findall(r"[A-Za-z_]+", text) if word.lower() in fields}
        assert not named, (case.slug, named)
