"""Snippets quote whole clauses: never a word or a number cut at the window's edges."""

import re
from html import unescape

from hypothesis import given
from hypothesis import strategies as st

from search.highlight import SNIPPET_LENGTH, snippet

CLAUSE_MARKS = "。！？；，、："
RUN = re.compile(r"[0-9A-Za-z.%,:]")


def plain(marked):
    return unescape(re.sub(r"</?mark>", "", str(marked)))


def edges(text, marked):
    """(start, end) of the snippet's text in `text`."""
    body = plain(marked).removeprefix("…").removesuffix("…")
    start = text.index(body)
    return start, start + len(body)


def test_a_window_starts_after_a_clause_mark_not_inside_a_number_or_a_name():
    # The window around 集体经济 would start 40 characters before it: inside 55 and 翁源县.
    text = "前言" * 30 + "，农村党员中55岁以上的占51%，翁源县认真贯彻，" + "集体经济薄弱" + "，村级组织无钱办事。" * 12
    marked = snippet([text], ["集体经济"])
    start, end = edges(text, marked)
    assert text[start - 1] in CLAUSE_MARKS and text[end - 1] in CLAUSE_MARKS
    assert "<mark>集体经济</mark>" in str(marked)


# Text without clause marks near the edges: the window then only keeps numbers and Latin words whole.
TEXTS = st.text(alphabet="党建村民55123.%GDP,:两会评，。" + "集体经济", min_size=0, max_size=400)


@given(TEXTS, st.sampled_from(["集体经济", "党建", "55", "GDP"]))
def test_no_window_splits_a_number_or_a_latin_word(text, term):
    text = " ".join(text.split())
    start, end = edges(text, snippet([text], [term]))
    for position in (start, end):
        split = 0 < position < len(text) and RUN.match(text[position - 1]) and RUN.match(text[position])
        # …unless the run is too long to keep whole (more than a third of the window each way).
        run = (
            re.search(r"[0-9A-Za-z.%,:]*$", text[:position]).group()
            + re.match(r"[0-9A-Za-z.%,:]*", text[position:]).group()
        )
        assert not split or len(run) > SNIPPET_LENGTH // 3


def test_a_number_written_with_a_comma_or_a_colon_is_not_cut_there():
    for number in ("1,200", "10:30"):
        text = "说明" * 40 + f"共投入{number}万元，" + "群众满意度达到98%，" + "后续工作。" * 30
        body = plain(snippet([text], ["满意度"]))
        assert number in body or not re.search(r"\d", body.split("群众")[0])


def test_a_run_too_long_to_keep_whole_does_not_stretch_the_window():
    text = "9" * 3000 + "，集体经济" + "8" * 3000
    start, end = edges(text, snippet([text], ["集体经济"]))
    assert end - start <= 2 * SNIPPET_LENGTH


@given(st.text(alphabet="党建村民两会评，。集体经济", max_size=400))
def test_a_window_moves_to_a_clause_mark_by_at_most_a_third_of_its_length(text):
    start, end = edges(text, snippet([text], ["集体经济"]))
    assert end - start <= SNIPPET_LENGTH + SNIPPET_LENGTH // 3 + SNIPPET_LENGTH // 6
