import pytest
from wagtail.search.query import And, MatchAll, Or, PlainText

from search.query import MAX_QUERY_LENGTH, MAX_WORDS, parse_query
from search.text import query_words

pytestmark = pytest.mark.django_db


def test_words_are_all_required():
    query = parse_query("城乡 联建")
    assert query.words == ["城乡", "联建"]
    assert isinstance(query.backend_query(), And)


def test_a_compound_matches_whole_or_as_all_its_parts():
    (word_query,) = parse_query("城乡联建").backend_query().subqueries
    assert isinstance(word_query, Or)
    whole, parts = word_query.subqueries
    assert whole.query_string == "城乡联建"
    assert [part.query_string for part in parts.subqueries] == ["城乡", "联建"]


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
        assert not query and isinstance(query.backend_query(), MatchAll)


def test_long_queries_are_cut_and_say_so():
    query = parse_query("党建" * 500)
    assert query.truncated and len(query.text) == MAX_QUERY_LENGTH
    assert len(parse_query(" ".join(f"词{n}" for n in range(50))).words) <= MAX_WORDS


def test_backend_sees_only_words():
    query = parse_query('NEAR(党建, 5) OR "村" * title:x')
    for word in query.words:
        assert word.isalnum()
    assert all(isinstance(q, (PlainText, Or)) for q in query.backend_query().subqueries)
