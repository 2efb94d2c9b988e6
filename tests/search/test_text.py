"""The text pipeline: normalising, folding, segmenting, dictionary words."""

import pytest

from search.text import (
    fold,
    index_text,
    normalise,
    query_words,
    search_terms,
    segmenter,
    strip_pinyin_notes,
    word_parts,
)
from search.text.pipeline import is_numeral_name

# The segmenter's dictionary includes the vocabularies from the database.
pytestmark = pytest.mark.django_db


def test_normalise_makes_full_width_half_width_and_drops_control_characters():
    assert normalise("１＋３模式\x00ＡＢＣ") == "1+3模式 ABC"


@pytest.mark.parametrize(
    "traditional, simplified",
    [
        ("城鄉黨建互幫互助交流", "城乡党建互帮互助交流"),
        ("兩會兩評", "两会两评"),
        ("創業示範工程", "创业示范工程"),
    ],
)
def test_fold_turns_traditional_into_simplified(traditional, simplified):
    assert fold(traditional) == simplified


def test_fold_treats_zhu_as_zhe_for_search_only():
    assert fold("著力") == fold("着力") == "着力"


@pytest.mark.parametrize("said", ["1加3模式", "1 加 3模式", "1＋3模式"])
def test_a_plus_said_as_jia_between_digits_is_a_plus(said):
    assert fold(said) == "1+3模式"
    assert fold("增加3个村") == "增加3个村" and fold("加3") == "加3"
    # Only on one line: texts folded together, one a line, keep their lines.
    assert fold("第1\n加3") == "第1\n加3"


def test_pinyin_notes_are_stripped():
    assert strip_pinyin_notes("城鄉(xiāng)黨建") == "城鄉黨建"


def test_two_character_words_are_found_inside_runs_of_characters():
    assert "党建" in search_terms("五常市推进农村党建1+3模式")


@pytest.mark.parametrize(
    "compound, inside",
    [
        ("户联理事会", ["户联", "理事会", "户联理事会"]),
        ("关怀理事会", ["关怀", "理事会", "关怀理事会"]),
        ("城乡联合党组织", ["城乡", "联合", "党组织", "城乡联合党组织"]),
    ],
)
def test_search_mode_indexes_the_words_inside_long_words(compound, inside):
    terms = search_terms(compound)
    assert all(word in terms for word in inside)


def test_names_of_numbered_parts_are_indexed_whole_and_inside_longer_ones():
    terms = search_terms("推行“两推一选”，实行一村一策一户一法，第一书记三年一换")
    assert {"两推一选", "一村一策", "一户一法", "一村一策一户一法", "三年一换"} <= set(terms)
    # Its last part written on into a word (换届, 选举, 策略), and one of more than four parts.
    for text, name in (
        ("村两委三年一换届", "三年一换"),
        ("通过两推一选举产生", "两推一选"),
        ("实行一户一策略", "一户一策"),
    ):
        assert name in search_terms(text), text
    assert "一村一策一户一法一人一档" in search_terms("推行一村一策一户一法一人一档")


def test_a_name_in_numbers_alone_is_indexed_whole():
    text = "每年“三一五”前后，开展八七活动"
    assert "三一五" not in segmenter().cut_for_search(text, False)  # cut 三|一五
    assert {"三一五", "八七"} <= set(search_terms(text))
    # Its numbers apart (三…一五) are in most texts: it matches as written only.
    assert word_parts("三一五") == []


@pytest.mark.parametrize(
    "word, name",
    [
        ("三一五", True),
        ("九一八", True),
        ("十一五", True),
        ("十三五", False),  # reads as "thirteen to fifteen" too: the five-year plans are curated words
        ("十九", False),  # counts written out
        ("六十", False),
        ("一百零五", False),
        ("两万", False),
        ("一万二", False),
        ("十万八千", False),
        ("五六十", False),  # about a count: two numbers in a row
        ("两三百", False),
        ("十五六", False),
        ("十四五", False),  # reads as "fourteen or fifteen" too: taken for a count
        ("一两", False),
        ("三五", False),
        ("二零一九", False),  # a year, digit by digit
        ("一九四九", False),
        ("一一", False),  # doubled
        ("千千万万", False),
        ("五", False),
    ],
)
def test_a_name_in_numbers_alone_is_told_from_a_count(word, name):
    assert is_numeral_name(word) is name


@pytest.mark.parametrize("word", ["两会两评", "共建共富", "一肩挑", "领头雁", "城乡联合党组织", "集体经济薄弱"])
def test_domain_words_stay_whole_in_queries(word):
    assert query_words(word) == [word]


def test_place_names_without_their_suffix_are_words():
    assert query_words("五常") == ["五常"]
    assert "五常" in search_terms("黑龙江省哈尔滨市五常市")


def test_model_name_with_plus_sign_is_one_term_on_both_sides():
    assert query_words("1+3模式") == ["13模式"]
    assert "13模式" in search_terms("推进农村党建“1+3模式”")


@pytest.mark.parametrize(
    "word, parts",
    [
        ("城乡联建", ["城乡", "联建"]),
        ("户联理事会", ["户联", "理事会"]),
        ("城乡联合党组织", ["城乡", "联合", "党组织"]),
        ("务工人员", ["务工", "人员"]),  # not 务|工人员: a single character is in nearly every text
        ("党建", []),
    ],
)
def test_compounds_split_into_their_shortest_cover(word, parts):
    assert word_parts(word) == parts


def test_index_text_holds_no_punctuation_or_query_syntax():
    text = index_text('“两会两评”：NEAR(党建) OR "村民" * AND')
    assert all(character not in text for character in '“”：()"*')
    assert text.split() == search_terms('“两会两评”：NEAR(党建) OR "村民" * AND')
