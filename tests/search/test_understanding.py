"""Query understanding in the text pipeline: fillers, terms and aliases, pinyin, slips, synonyms."""

import pytest
from django.core.exceptions import ValidationError
from pypinyin import lazy_pinyin
from pypinyin.phrases_dict import phrases_dict

from cases import changes
from cases.models import CasePage
from cases.taxonomy import Problem, Region, Theme
from search.case_search import search_cases, understood_query
from search.engines.database.catalogue import catalogue
from search.query import parse_query
from search.text import Term, normalise, place_words, plain_pinyin, understand, vocabulary
from search.text.vocabulary import Lexicon, TermMatcher, pinyin_of

pytestmark = pytest.mark.django_db

AGEING = Term("problem", 1, "ageing", "党员队伍老化", ("党员老龄化",))
WEAK_ECONOMY = Term("problem", 2, "weak", "集体经济薄弱", ())


def names(mentions):
    return [mention.term.name for mention in mentions]


def test_a_term_is_named_by_its_alias_or_its_words_written_apart():
    matcher = TermMatcher([AGEING, WEAK_ECONOMY])
    assert names(matcher.in_query("党员老龄化怎么办")) == ["党员队伍老化"]
    assert names(matcher.in_query("集体经济很薄弱")) == ["集体经济薄弱"]
    # Too far apart to be one name: words of a sentence, not the term.
    assert names(matcher.in_query("集体经济发展得好，但是土地比较薄弱")) == []


def test_a_document_names_a_term_by_name_alias_or_all_its_words():
    matcher = TermMatcher([AGEING, WEAK_ECONOMY])
    assert [term.name for term in matcher.in_document("全村党员老龄化严重")] == ["党员队伍老化"]
    assert [term.name for term in matcher.in_document("集体经济十分薄弱")] == ["集体经济薄弱"]


def test_a_phrase_is_spelled_as_pypinyin_reads_it():
    """Every phrase pypinyin lists is read from its entry, as lazy_pinyin would read it."""
    differ = [word for word in phrases_dict if pinyin_of(word) != "".join(lazy_pinyin(word))]
    assert not differ, differ[:10]
    assert pinyin_of("重庆") == "chongqing" and pinyin_of("绿化") == "lvhua"


def test_pinyin_and_initials_spell_lexicon_words():
    lexicon = Lexicon(["兴山县", "集体经济", "城乡联建"])
    assert lexicon.from_pinyin("xingshan") == "兴山"  # a run of the name's smaller words
    assert lexicon.from_pinyin("jtjj") == "集体经济"
    assert lexicon.from_pinyin("chengxianglianjian") == "城乡联建"
    assert lexicon.from_pinyin("jt") is None  # initials this short name too many words
    assert lexicon.from_pinyin("hello") is None


def test_a_word_is_spelled_whole_or_as_its_smaller_words_read_alone():
    # pypinyin reads a polyphone by its context: 薄 is bao in 集体经济薄弱, bo in 薄弱 alone.
    lexicon = Lexicon(["集体经济薄弱"])
    assert lexicon.from_pinyin("jitijingjibaoruo") == lexicon.from_pinyin("jitijingjiboruo") == "集体经济薄弱"
    assert [concept.name for concept in parse_query("jiti jingji bo ruo").concepts] == ["集体经济薄弱"]


def test_pinyin_still_being_typed_completes_as_the_words_it_begins():
    lexicon = Lexicon(["兴山县", "兴山县", "集体经济", "城乡联建", "星火"])
    assert lexicon.completions("xings") == ["兴山", "兴山县"]  # the more used first, then shorter
    assert lexicon.completions("chengxiangl") == ["城乡联建"]
    assert "星火" in lexicon.completions("xing") and "兴山" in lexicon.completions("xing")
    assert lexicon.completions("xin") == []  # too few letters: too many words begin so
    assert lexicon.completions("zzzz") == [] and lexicon.completions("兴山") == []
    lexicon.add(["兴隆"])  # a word added later is found too
    assert "兴隆" in lexicon.completions("xingl")


def test_a_slip_is_a_homophone_or_one_character_off():
    lexicon = Lexicon(["精神文明", "共建共富", "诸城"])
    assert lexicon.meant("共建共付") == "共建共富"
    assert lexicon.meant("精神文朋") == "精神文明"
    assert lexicon.meant("精神文明") is None  # the word itself
    assert lexicon.meant("珠城") is None and lexicon.meant("珠城", alone=True) == "诸城"


def test_understanding_drops_fillers_and_corrects_only_what_the_segmenter_cannot_read():
    understood = understand(normalise("共建共付怎么办"))
    assert understood.words == ["共建共富"] and understood.corrections == [("共建共付", "共建共富")]
    assert "怎么办" in understood.dropped
    # Two words the segmenter knows are what was meant, though one character off a known word.
    assert understand(normalise("集体经营")).corrections == []
    assert understand(normalise("共建共付"), as_typed=True).corrections == []


def test_a_direction_after_a_verb_does_not_outweigh_what_the_query_is_about():
    # 起来 is in one case, 合作社 in most: kept, it would list that one case alone.
    query = parse_query("村里的合作社办不起来")
    assert query.words == ["合作社"]
    slugs = [hit.case.slug for hit in search_cases({"q": "村里的合作社办不起来"}).hits]
    assert slugs[0] == "wuchang-1-3" and len(slugs) >= 3  # the cases about cooperatives
    assert parse_query("农民富起来").words == ["农民", "富起来"]  # a word meaning the same stays whole


def test_a_query_of_fillers_only_is_searched_as_typed():
    assert parse_query("怎么办").words == ["怎么办"]


def test_synonyms_travel_with_the_word():
    query = parse_query("在外地打工")
    assert "务工" in query.alternatives("打工")
    assert query.partial
    assert "务工" in parse_query("外出打工").alternatives("外出打工")  # a group's word, read whole


def test_a_synonym_the_segmenter_cuts_into_whole_words_is_read_as_written():
    # 富|起来: the pieces alone mean nothing the cases say.
    assert "致富" in parse_query("党员都没富起来").alternatives("富起来")
    # 集中|居住小区: a word cut where what is left of it is a word too.
    query = parse_query("搬进集中居住小区")
    assert "集中居住" in query.words and "小区" in query.words
    assert "搬迁" in query.alternatives("集中居住") and "社区" in query.alternatives("小区")


@pytest.mark.parametrize(
    "text, meant, not_meant",
    [
        ("服务农村", ["服务", "农村"], "务农"),
        ("农村长效机制", ["农村"], "村长"),
        ("第一书记", ["第一书记"], "书记"),
        ("服务工作", ["服务"], "务工"),
        ("此后生活", ["生活"], "后生"),
        ("做主要工作", ["主要"], "做主"),
        ("带头人", ["带头人"], "带头"),
        ("老人家", ["老人家"], "老人"),
    ],
)
def test_a_synonym_inside_other_words_is_not_read(text, meant, not_meant):
    words = parse_query(text).text_words  # 农村 is a domain's name: a term, not a plain word
    assert set(meant) <= set(words) and not_meant not in words


def test_function_words_are_dropped_by_their_part_of_speech():
    understood = understand(normalise("村里党员一大半过了六十，自己都没发展新党员"))
    assert understood.words == ["党员", "发展", "新党员"]
    assert {"六十", "自己"} <= set(understood.dropped)
    # A number written in digits is kept: a year or a count is what the reader looks for.
    assert "2008" in understand(normalise("2008年的党员")).words
    # A number is kept where without it only single characters would be left (五|老).
    assert understand(normalise("五老")).words == ["五", "老"]
    # Slogans with numbers are the dictionary's words, never dropped.
    assert understand(normalise("两学一做怎么开展")).words == ["两学一做", "开展"]


def test_a_name_of_numbered_parts_is_read_whole():
    """Most such names are not in the dictionary, which cuts them into numbers and single
    characters (两/推/一/选) that a query would drop as function words."""
    for typed, words in (
        ("两推一选是什么", ["两推一选"]),
        ("什么是两推一选", ["两推一选"]),
        ("四议两公开怎么开展", ["四议两公开", "开展"]),
        ("第一书记三年一换", ["第一书记", "三年一换"]),  # not 一书记三年一换: 第一书记 is a word
        # Words the dictionary has are not such a name: each is searched for as before.
        ("两委一肩挑", ["两委", "一肩挑"]),
        ("一个一个解决", ["一个", "解决"]),
    ):
        assert parse_query(typed).words == words, typed
    # The case that names it, its sentence marked; not the three others that hold its characters apart.
    hits = search_cases({"q": "两推一选是什么"}).hits
    assert [hit.case.slug for hit in hits] == ["shangnan-gongjian-gongfu"]
    assert "<mark>两推一选</mark>" in str(hits[0].snippet)


def test_a_name_in_numbers_alone_is_meant_and_a_count_is_not(client):
    """十三五 is tagged a number like 六十 and was dropped: 十三五规划怎么落实 searched 规划."""
    for typed, words in (
        ("十三五规划怎么落实", ["十三五", "规划", "落实"]),
        ("十二五以来村里变化", ["十二五", "以来", "变化"]),  # one token
        ("十四五规划怎么落实", ["十四五", "规划", "落实"]),  # counts by their form: the curated dictionary's
        ("七一表彰优秀党员", ["七一", "表彰", "优秀党员"]),  # a name by its form
        ("一九四九年以来", ["以来"]),
        ("六十岁以上党员", ["以上", "党员"]),
        ("一一落实", ["落实"]),
        ("十三五个党员", ["党员"]),  # a count after all: a measure word follows
    ):
        assert parse_query(typed).words == words, typed
    from tests.search.test_search_page import publish_case

    named = publish_case("数字名称测试案例甲", "“十三五”期间，每年三一五集体经济收入翻番。")
    apart = publish_case("数字名称测试案例乙", "全村十三个小组，五个合作社，三人一组，一五成群，集体经济收入翻番。")
    for typed in ("十三五集体经济", "三一五集体经济"):  # a word of the dictionary; a name by its form
        found = client.get("/search/", {"q": typed, "format": "json"}).json()
        slugs = [result["slug"] for result in found["results"]]
        assert named.slug in slugs and apart.slug not in slugs, typed


def test_where_only_single_characters_are_left_a_pronoun_does_not_come_back():
    assert parse_query("自己干").words == ["干"]


def test_beside_a_term_pronouns_are_not_searched_for_but_a_single_word_is():
    # 我们|村 … 有|什么: beside 空壳村 only single characters and function words are left.
    query = parse_query("我们村是个空壳村，有什么好办法")
    assert [concept.name for concept in query.concepts] == ["集体经济薄弱"]
    assert not {"我们", "什么"} & set(query.words)
    assert "茶" in parse_query("空壳村 茶").words


def test_an_alias_saved_in_the_admin_is_recognised_at_once():
    theme = Theme.objects.get(name="精神文明建设")
    assert not [c for c in parse_query("移风易俗").concepts]
    theme.aliases = f"{theme.aliases}\n移风易俗"
    theme.save()
    assert [concept.name for concept in parse_query("移风易俗怎么搞").concepts] == ["精神文明建设"]


def test_a_region_added_later_is_spelled_in_pinyin_once_it_is_saved(django_capture_on_commit_callbacks):
    vocabulary.lexicon()  # loaded before the region exists, as in a running server
    city = Region.objects.get(name="宜昌市")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            Region.objects.create(name="测试县", parent=city, level=Region.COUNTY)
        assert vocabulary.lexicon().from_pinyin("ceshixian") == "测试县"
    finally:
        vocabulary.reset()  # learning is add-only: the rolled-back region must not stay


def test_aliases_are_checked_and_tidied():
    problem = Problem.objects.get(name="党员发展难")
    problem.aliases = "发展党员难、 入党难,发展党员难\n党员发展难"
    problem.save()
    assert problem.alias_list == ["发展党员难", "入党难"] and problem.aliases == "发展党员难\n入党难"
    # A name or an alias of another term, whatever its kind, is refused: a query names one term for it.
    alias_of_another = Problem.objects.get(name="党员队伍老化").alias_list[0]
    for alias, said in (
        ("集体经济薄弱", "“集体经济薄弱”已是针对难题“集体经济薄弱”的名称"),
        ("服务群众", "“服务群众”已是主题“服务群众”的名称"),
        (alias_of_another, f"“{alias_of_another}”已是针对难题“党员队伍老化”的别名"),
    ):
        problem.aliases = alias
        with pytest.raises(ValidationError) as refused:
            problem.full_clean()
        assert said in str(refused.value)
    theme = Theme(name=alias_of_another)
    with pytest.raises(ValidationError) as refused:
        theme.full_clean()
    assert "已是针对难题“党员队伍老化”的别名，不能作为名称" in str(refused.value)


def test_closest_terms_share_pieces_of_what_was_typed():
    closest = vocabulary.matcher().closest("集体收入")
    assert "集体经济薄弱" in [term.name for term in closest]


def test_an_alias_saved_by_another_process_is_read_once_the_journal_says_so():
    theme = Theme.objects.get(name="精神文明建设")
    catalogue()  # this process has caught up with the journal
    parse_query("移风易俗")  # and read the terms
    # Another process saves an alias: its row and its journal entry, no signal here.
    Theme.objects.filter(pk=theme.pk).update(aliases=f"{theme.aliases}\n移风易俗")
    changes.record(changes.ContentChange.VOCABULARY, [])
    assert parse_query("移风易俗").concepts == []  # not yet seen
    catalogue()  # what the next request does first when it searches or lists cases
    assert [concept.name for concept in parse_query("移风易俗").concepts] == ["精神文明建设"]


def test_letters_and_digits_written_together_are_not_pinyin():
    assert parse_query("5G基站").words[:1] == ["5g"]
    assert parse_query("O2O 平台").words[0] == "o2o"
    assert parse_query("5G基站").corrections == []


@pytest.mark.parametrize(
    "typed, meant",
    [
        ("dǎngjiàn", "党建"),
        ("DǍNGJIÀN", "党建"),
        ("dang3jian4", "党建"),
        ("jítǐ jīngjì", "集体经济"),
        ("Xīngshān", "兴山"),
        ("xing'shan", "兴山"),
        ("nong’cun", "农村"),
    ],
)
def test_pinyin_typed_with_its_tones_or_apostrophes_is_read_as_plain_pinyin(typed, meant):
    assert [word for _, word in parse_query(typed).corrections] == [meant]
    assert search_cases({"q": typed}).total > 0


def test_letters_that_spell_no_word_plainly_are_left_as_typed():
    # Codes (a1a2: a is a syllable), one syllable with its digit, words with accents or
    # apostrophes that are not pinyin: as typed, so that a text holding them still matches.
    for typed in ("a1b2", "a1a2", "dang3", "café", "mcdonald's", "josé@example.com", "bíqí"):
        assert plain_pinyin(typed) == typed, typed
    assert plain_pinyin("xing1shan1县 dǎngjiàn") == "xingshan县 dangjian"
    # A word only the cases' texts use (绿化) is a word too.
    assert plain_pinyin("lǜhuà") == "lvhua"


def test_what_lies_between_a_terms_words_is_still_searched_for():
    query = parse_query("集体经济医疗很薄弱")
    assert [concept.name for concept in query.concepts] == ["集体经济薄弱"]
    assert "医疗" in query.words


def test_a_span_the_cases_use_as_typed_is_not_corrected():
    """A slip is only corrected when what was typed finds nothing as written."""
    assert "留守家庭" in CasePage.objects.get(slug="xingshan-lianghui-liangping").body_text()
    theme = Theme.objects.get(name="服务群众")
    theme.aliases = f"{theme.aliases}\n流守家庭"  # sounds like 留守家庭, which the cases use
    theme.save()
    vocabulary.lexicon().add(["流守家庭"])
    try:
        assert parse_query("留守家庭").corrections == [("留守家庭", "流守家庭")]  # proposed
        assert understood_query("留守家庭").corrections == []  # and refused: the cases use it
        assert understood_query("共建共付").corrections == [("共建共付", "共建共富")]
    finally:
        vocabulary.reset()  # the rolled-back alias must not stay in the lexicon


def test_an_alias_must_hold_two_characters_a_search_can_find():
    problem = Problem.objects.get(name="党员发展难")
    for alias in ("——", "党", "🙂🙂"):
        problem.aliases = alias
        with pytest.raises(Exception) as refused:
            problem.full_clean()
        assert "太短" in str(refused.value)


def test_an_alias_of_question_and_filler_words_only_is_refused():
    """Every question holds them: as an alias they would name the term in every question."""
    problem = Problem.objects.get(name="党员发展难")
    for alias in ("怎么办", "村里的问题", "有什么办法"):
        problem.aliases = alias
        with pytest.raises(ValidationError) as refused:
            problem.full_clean()
        assert "只有提问和虚词" in str(refused.value)
    problem.aliases = "年轻人不愿入党"
    problem.full_clean()


def test_a_place_is_also_read_in_its_characters_other_readings_when_no_word_fits():
    lexicon = Lexicon([*place_words("于都县"), "行政村", "银行", "失地"])
    assert pinyin_of("于都") == "yudou"  # pypinyin's reading; a place name reads 都 as du
    assert lexicon.from_pinyin("yudou") == lexicon.from_pinyin("yudu") == "于都"
    assert lexicon.from_pinyin("hangzhengcun") == "行政村"  # no word is spelled so: the other reading
    assert lexicon.from_pinyin("yinhang") == "银行"
    # Not another word: 失 has an archaic reading yi, and yidi is 易地, which the lexicon lacks;
    # nor a word inside a place's name, nor a place-like common noun (社区: she'ou).
    assert lexicon.from_pinyin("yidi") is None and lexicon.from_pinyin("yinxing") is None
    other = Lexicon(["失地农民安置小区", "社区"])
    assert other.from_pinyin("yidinongmin") is None and other.from_pinyin("sheou") is None


def test_the_words_of_a_title_are_spelled_in_pinyin():
    """Not only names: 苏南 and 探索 are words of a title only."""
    assert [typed for typed, _ in parse_query("sunan").corrections] == ["sunan"]
    assert parse_query("sunan tansuo").words == ["苏南", "探索"]
    assert search_cases({"q": "sunan"}).hits[0].case.slug == "sunan-nongcun-shequ"


def test_titles_are_counted_in_words_of_two_characters_or_more_read_in_simplified():
    counted = vocabulary.spelled_words(["兩會兩評模式", "模式 5G", "共建", "富民"])
    assert counted == {"两会两评": 1, "模式": 2, "共建": 1, "富民": 1}  # no word across two titles (共建富民)


def test_a_name_is_meant_before_a_titles_word_spelled_alike():
    lexicon = Lexicon(place_words("奉贤区"), title_words=["风险", "探索实践"] * 100)
    assert lexicon.from_pinyin("fengxian") == "奉贤"  # not the word of a hundred titles
    assert lexicon.completions("fengx") == ["奉贤", "奉贤区", "风险"]
    assert lexicon.from_pinyin("tansuoshijian") == "探索实践"
    assert lexicon.from_pinyin("tsj") is None and lexicon.from_pinyin("tssj") is None  # no initials for titles
    lexicon.add_new(["探索实践"])  # now a name too (a tag, say): spelled by its initials as well
    assert lexicon.from_pinyin("tssj") == "探索实践"


def test_a_village_or_township_a_case_names_is_a_word_in_chinese_and_in_pinyin():
    for typed in ("平水村", "pingshuicun", "古夫镇", "gufuzhen"):
        query = parse_query(typed)
        assert query.words in (["平水村"], ["古夫镇"]), typed
        assert search_cases({"q": typed}).hits[0].case.slug == "xingshan-lianghui-liangping"
