"""Pinyin for any word the published cases' texts use, not only names and titles' words."""

import pytest

from search import text_words
from search.case_search import search_cases
from search.models import TextWord
from search.query import parse_query
from search.text import vocabulary
from tests.search.test_search_page import publish_case

pytestmark = pytest.mark.django_db


def _asked(captured):
    return [query for query in captured if "search_textword" in query["sql"]]


def _using(word):
    from cases.models import CasePage

    return {case.slug for case in CasePage.objects.published() if word in case.body_text()}


def test_a_word_only_a_cases_text_uses_is_read_from_its_pinyin(client):
    assert vocabulary.lexicon().from_pinyin("kuchaishi") is None  # no name or title spells it
    query = parse_query("kuchaishi")
    assert query.words == ["苦差事"] and query.corrections == [("kuchaishi", "苦差事")]
    assert {hit.case.slug for hit in search_cases({"q": "kuchaishi"}).hits} == _using("苦差事")
    html = client.get("/search/", {"q": "ku chai shi"}).content.decode()
    assert "您是不是要找" in html and "苦差事" in html
    # Beside a word the lexicon spells, and with tone marks.
    assert parse_query("xingshan kuchaishi").words == ["兴山", "苦差事"]
    assert parse_query("kǔchāishì").words == ["苦差事"]


def test_a_name_or_a_titles_word_spelled_alike_comes_first():
    TextWord.objects.create(word="兴善", pinyin="xingshan", cases=99)
    assert parse_query("xingshan").words == ["兴山"]


def test_of_two_words_spelled_alike_the_one_more_cases_use_is_meant():
    TextWord.objects.create(word="试验田", pinyin="shiyantian", cases=1)
    TextWord.objects.create(word="实验田", pinyin="shiyantian", cases=3)
    assert text_words.spelled(["shiyantian"]).get("shiyantian") == "实验田"


def test_what_no_case_uses_stays_as_typed():
    assert text_words.spelled(["qwerty"]).get("qwerty") is None
    assert parse_query("qwerty").words == ["qwerty"] and not parse_query("qwerty").corrections


def test_a_published_case_teaches_its_words_and_a_rebuild_counts_afresh(django_capture_on_commit_callbacks):
    assert text_words.spelled(["guangfu"]).get("guangfu") is None
    with django_capture_on_commit_callbacks(execute=True):
        case = publish_case("用词测试案例", "村里在荒坡上建起光伏电站，光伏收入归村集体。")
    assert text_words.spelled(["guangfu"]).get("guangfu") == "光伏"
    with django_capture_on_commit_callbacks(execute=True):
        publish_case("用词测试案例二", "第二个村也发展光伏。")
    text_words.rebuild()
    assert TextWord.objects.get(word="光伏").cases == 2
    # A word only an unpublished case used is gone at the next count.
    case.unpublish()
    publish = TextWord.objects.get(word="光伏")
    assert publish.cases == 2  # learning is add-only until then
    text_words.rebuild()
    assert TextWord.objects.get(word="光伏").cases == 1
    assert text_words.spelled(["huangpo"]).get("huangpo") is None


def test_a_name_of_numbered_parts_the_segmenter_cuts_apart_is_read_from_its_pinyin(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        case = publish_case("用词测试案例", "村里推行四评三亮，党员每季度亮身份、亮承诺、亮实绩。")  # not quoted
    assert parse_query("sipingsanliang").words == ["四评三亮"]
    assert [hit.case for hit in search_cases({"q": "sipingsanliang"}).hits] == [case]


def test_a_draft_teaches_nothing():
    from cases.models import CaseIndexPage, CasePage
    from cases.taxonomy import Region

    draft = CasePage(
        title="草稿用词测试",
        slug="draft-text-words",
        live=False,
        summary="测试摘要",
        region=Region.objects.get(name="五常市"),
        body=[{"type": "section", "value": {"kind": "其他", "heading": "正文", "text": "<p>村里种了蓝莓。</p>"}}],
    )
    CaseIndexPage.objects.get().add_child(instance=draft)
    draft.save_revision()
    text_words.learn([draft.pk])  # asked, as a move or a privacy change asks for every case below
    assert text_words.spelled(["lanmei"]).get("lanmei") is None


def test_the_texts_are_not_asked_for_what_the_lexicon_spells_or_what_is_not_pinyin(django_assert_max_num_queries):
    parse_query("党建")  # terms and lexicon loaded beforehand, as in a running process
    with django_assert_max_num_queries(3) as captured:
        parse_query("xingshan")  # the lexicon spells it
        parse_query("qwerty a b c d ok")  # not two syllables of pinyin
    assert _asked(captured) == []


@pytest.mark.parametrize(
    "typed, meant, words, concepts",
    [
        ("jitijingjizenmefazhan", "集体经济 怎么 发展", ["集体经济", "发展"], []),
        ("hezuoshefazhan", "合作社 发展", ["合作社", "发展"], []),
        ("dangyuanlaolinghuazenmeban", "党员老龄化 怎么办", [], ["党员队伍老化"]),
        # A syllable no word takes is left out, as a character alone beside words is.
        ("cunjitijingji", "集体经济", ["集体经济"], []),
        ("women cun jitijingji meiyou shouru", "我们 集体经济 没有 收入", ["集体经济", "收入"], []),
    ],
)
def test_pinyin_typed_in_one_run_is_read_word_by_word(typed, meant, words, concepts):
    query = parse_query(typed)
    assert query.corrections == [(typed, meant)]
    assert query.words == words and [concept.name for concept in query.concepts] == concepts
    assert search_cases({"q": typed}).total > 0


@pytest.mark.parametrize("typed", ["zhangsanfazhan", "chinese", "management", "xian"])
def test_letters_mostly_no_word_takes_stay_as_typed(typed):
    assert parse_query(typed).words == [typed] and not parse_query(typed).corrections


@pytest.mark.parametrize(
    "typed",
    [
        "jitijingjizenmefazhan",  # read
        "liushou ertong",  # partly read, each word asked with the run
        " ".join(["fangan"] * 12),  # read by none
    ],
)
def test_a_run_of_letters_asks_the_cases_texts_once(typed, django_assert_max_num_queries):
    parse_query("党建")  # terms and lexicon loaded beforehand, as in a running process
    with django_assert_max_num_queries(3) as captured:
        parse_query(typed)
    assert len(_asked(captured)) == 1


def test_a_question_word_is_read_only_between_words():
    # 我们 and 老是 are fillers: not a reading by themselves (women, laoshi stay as typed).
    assert parse_query("women").words == ["women"] and not parse_query("women").corrections
    TextWord.objects.create(word="老师", pinyin="laoshi", cases=1)
    assert parse_query("laoshi").words == ["老师"]  # a word of the texts before a filler
    assert parse_query("zenmeban").words == ["zenmeban"]


def test_of_readings_as_costly_the_lexicons_words_and_fewer_lost_syllables_win():
    TextWord.objects.create(word="经济发展", pinyin="jingjifazhan", cases=9)
    assert parse_query("jitijingjifazhan").corrections == [("jitijingjifazhan", "集体经济 发展")]
    TextWord.objects.create(word="发展合作", pinyin="fazhanhezuo", cases=9)
    # 发展合作 and a lost syllable (she) cost as much as 发展 and 合作社: the second loses nothing.
    assert parse_query("fazhanhezuoshe").corrections == [("fazhanhezuoshe", "发展 合作社")]
