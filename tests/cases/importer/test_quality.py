"""The quality bar of issue 7: each seed source imports into drafts that match the hand-made
fixtures (title, province, section headings, key figures) and keep no page noise."""

import importlib.util
import re

import pytest
from django.conf import settings

from cases.importer.create import analyse
from cases.importer.decode import read_bytes

from .conftest import SEEDS, as_big5, as_docx, as_word_html, fixture, seed_text, with_noise

_checker = importlib.util.spec_from_file_location(
    "fixture_fidelity", settings.BASE_DIR.parent / "shared" / "checks" / "fixture_fidelity.py")
fidelity = importlib.util.module_from_spec(_checker)
_checker.loader.exec_module(fidelity)
NUMBER = re.compile(r"\d+(?:\.\d+)?")


def drafts_of(name, data, known_cases):
    return analyse(read_bytes(name, data), known_cases).drafts


def heading_recall(draft, data):
    """Share of the fixture's section headings that the draft has, in the same order."""
    wanted = [block["heading"] for block in data["body"] if block["type"] == "section"]
    found = [section.heading for section in draft.sections]
    position, matched = 0, 0
    for heading in wanted:
        if heading in found[position:]:
            position = found.index(heading, position) + 1
            matched += 1
    return matched / len(wanted)


def figure_recall(draft, data):
    """Share of the fixture's key-figure values (their numbers) among the draft's figures."""
    values = {number for figure in draft.figures for number in NUMBER.findall(figure.value)}
    wanted = [NUMBER.findall(str(figure["value"]))[0] for figure in data["key_figures"]]
    return sum(number in values for number in wanted) / len(wanted)


def noise_in(draft):
    texts = [draft.title, draft.summary, *[s.heading for s in draft.sections], *draft.paragraphs]
    return [(token, text[:30]) for text in texts for token in fidelity.NOISE if token in text] + \
           [(match, text[:30]) for text in texts for match in fidelity.PINYIN.findall(text)]


# Measured at the time of writing. Headings the editors invented for headingless sources
# (000 推进情况, 003 取得成效) and 002's editor heading 引言 are not found; see the report.
HEADING_RECALL = {"wuchang-1-3": 0.75, "zhucheng-chengxiang-lianjian": 1.0, "sunan-nongcun-shequ": 2 / 3,
                  "shangnan-gongjian-gongfu": 5 / 6, "xingshan-lianghui-liangping": 1.0,
                  "wengyuan-dangyuan-chuangye": 1.0}


@pytest.mark.django_db
@pytest.mark.parametrize("name", SEEDS)
def test_each_seed_imports_like_its_fixture(name, known_cases):
    drafts = drafts_of(name, (settings.SEEDS_DIR / name).read_bytes(), known_cases)
    assert len(drafts) == len(SEEDS[name])
    for draft, slug in zip(drafts, SEEDS[name]):
        data = fixture(slug)
        assert draft.source_title == data["source"]["title"]
        assert draft.region is not None
        assert draft.region.province.name == data["region"].split("/")[0]
        assert draft.region.full_name == data["region"].replace("/", "")
        assert heading_recall(draft, data) >= HEADING_RECALL[slug] - 1e-9
        assert figure_recall(draft, data) >= 0.9
        assert noise_in(draft) == []
        assert draft.complete == data["source"]["complete"]


VARIANTS = {
    # GBK lacks a few symbols (•, pinyin tone marks): they become "?", as in real GBK pages.
    "gbk": lambda name: (name, seed_text(name).replace("\xa0", " ").encode("gbk", errors="replace")),
    "gb18030": lambda name: (name, seed_text(name).encode("gb18030")),
    "big5": lambda name: (name, as_big5(seed_text(name))),
    "noise": lambda name: (name, with_noise(seed_text(name)).encode("utf-8")),
    "utf8-bom": lambda name: (name, b"\xef\xbb\xbf" + seed_text(name).encode("utf-8")),
    "word-html": lambda name: (name.replace(".txt", ".htm"), as_word_html(seed_text(name)).encode("utf-8")),
    "docx": lambda name: (name.replace(".txt", ".docx"), as_docx(seed_text(name))),
}


@pytest.mark.django_db
@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("name", SEEDS)
def test_variants_import_like_the_plain_seed(name, variant, known_cases):
    plain = drafts_of(name, (settings.SEEDS_DIR / name).read_bytes(), known_cases)
    drafts = drafts_of(*VARIANTS[variant](name), known_cases)
    assert [d.source_title for d in drafts] == [d.source_title for d in plain]
    assert [d.region for d in drafts] == [d.region for d in plain]
    assert [[s.heading for s in d.sections] for d in drafts] == [[s.heading for s in d.sections] for d in plain]
    for draft, slug in zip(drafts, SEEDS[name]):
        assert noise_in(draft) == []
        assert figure_recall(draft, fixture(slug)) >= 0.9


@pytest.mark.django_db
def test_metadata_years_and_inferred_place(known_cases):
    def draft(name):
        return drafts_of(name, (settings.SEEDS_DIR / name).read_bytes(), known_cases)

    wuchang = draft("000_ca0f3fd031b617fc.txt")[0]
    assert (wuchang.author, wuchang.publisher, wuchang.date) == ("宗化龙", "五常信息网", "2017-03-16")
    assert (wuchang.year_started, wuchang.year_reported, wuchang.model_name) == (2007, 2011, "1+3模式")
    assert draft("002_54f27022be32c9ac.txt")[0].author == "王国生"
    assert "李岚" in draft("003_8a00942d0ea9f248.txt")[0].author
    zhucheng = draft("001_0e4442402929a715.txt")[0]
    assert zhucheng.region_inferred and "推断" in " ".join(zhucheng.notes)
    assert [d.model_name for d in draft("004_4d9ba10b11190ad5.txt")] == ["两会两评", "农村党员创业示范工程"]
