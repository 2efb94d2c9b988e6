import pytest

from search.query import MAX_QUERY_LENGTH, MAX_WORDS, Concept, parse_query
from search.text import query_words, word_parts

pytestmark = pytest.mark.django_db


def test_words_are_all_required():
    # A match holds every clause: each word typed is one. (城乡 联建, the words here before, now
    # names the theme 城乡统筹与结对共建 by its alias 城乡联建 written apart: one concept, below.)
    query = parse_query("党员 创业")
    assert query.words == ["党员", "创业"] and query.concepts == []
    assert query.clauses == ["党员", "创业"]
    (concept,) = parse_query("城乡 联建").clauses
    assert isinstance(concept, Concept) and concept.name == "城乡统筹与结对共建"
    assert concept.words == ("城乡", "联建")


def test_a_compound_matches_whole_or_as_all_its_parts():
    # 城乡联建, the compound here before, is now an alias of a theme (no word, one concept);
    # 户联理事会 names no vocabulary term.
    query = parse_query("户联理事会")
    assert query.clauses == ["户联理事会"]
    assert word_parts("户联理事会") == ["户联", "理事会"]
    assert query.has_compounds() and not parse_query("党员 创业").has_compounds()
    assert query.highlight_terms() == ["户联理事会", "理事会", "户联"]  # the whole and each part


@pytest.mark.parametrize("typed", ['"农村党建"', "“农村党建”", "「农村党建」"])
def test_quoted_phrases_in_any_quotation_marks(typed):
    query = parse_query(typed)
    assert query.phrases == ["农村党建"]
    assert query.words == query_words("农村党建")


def test_function_words_are_dropped_beside_real_words():
    assert parse_query("党员的作用").words == ["党员", "作用"]
    assert parse_query("的").words == ["的"]


def test_empty_and_punctuation_only_queries_match_everything():
    for typed in ["", "   ", '"" * ()', None]:
        query = parse_query(typed)
        assert not query and query.clauses == [] and query.text_words == []


def test_long_queries_are_cut_and_say_so():
    query = parse_query("党建" * 500)
    assert query.truncated and len(query.text) == MAX_QUERY_LENGTH
    assert len(parse_query(" ".join(f"词{n}" for n in range(50))).words) <= MAX_WORDS


def test_backend_sees_only_words():
    query = parse_query('NEAR(党建, 5) OR "村" * title:x')
    # No operator, field or wildcard reaches an engine: plain words, the quoted one last.
    assert query.clauses == query.words == ["near", "党建", "5", "or", "title", "x", "村"]
    assert all(word.isalnum() for word in query.clauses)


def test_the_query_is_shown_as_typed_and_searched_normalised():
    # Full-width punctuation and letters are the reader's own: shown back (and carried in
    # links) as typed, while the words are read from their half-width form.
    query = parse_query("  党员，老龄化\x00 ＡＢＣ ")
    assert query.text == "党员，老龄化 ＡＢＣ"
    assert query.words == [*parse_query("党员,老龄化 abc").words]
    assert parse_query("＂农村党建＂").phrases == ["农村党建"]
