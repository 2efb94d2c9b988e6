"""Situation queries (tests/search/situations.yaml, judged from the seed sources before search
was tuned against them, and the held-out sets situations_heldout.yaml and situations_heldout_2.yaml
to situations_heldout_7.yaml, written to measure how far that carries; sets 3 and 5 have since
been looked at for pinyin, set 5 for typos, set 7 for initials, as noted below): plain-language problems,
questions, sentences, pinyin, initials and typos, and questions no seed case answers."""

from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search.case_search import search_cases
from search.engines.database.index import FTS_TABLE, PG_TABLE
from search.meanings import MAYBE_CASES
from search.ranking import BEST_MATCH_NOTE


def load_judged(name):
    return yaml.safe_load((Path(__file__).parent / name).read_text(encoding="utf-8"))


JUDGED = load_judged("situations.yaml")
ANSWERED = [item for item in JUDGED if item["relevant"]]
UNANSWERED = [item for item in JUDGED if not item["relevant"]]
# The hit@3 target (0.90) is met; its other two (no empty answer where a case addresses
# the problem, no weak matches for unanswered questions) are not yet: these ceilings are where
# search stands now, so that a change making it worse fails, and the test prints how far off it is.
HIT_AT_3_FLOOR = 0.90
EMPTY_ANSWERS_CEILING = 4
WEAK_ANSWERS_CEILING = 4
# Its empty answered queries whose page offers a judged case as possibly related, as a floor:
# where it stands now (session 28), as for each held-out set below (set 6's is its first run; the
# others' chose MAYBE_CLOSE).
JUDGED_OFFERED_FLOOR = 4


@dataclass(frozen=True)
class HeldOut:
    """A held-out set and where search stands on it: floors and ceilings a change may not cross."""

    file: str
    label: str
    hit_at_3_floor: float
    empty_ceiling: int
    weak_ceiling: int
    offered_floor: int  # empty answered queries whose page offers a judged case as possibly related

    @property
    def judged(self):
        return load_judged(self.file)


# Held-out sets, written and judged from the sources after search was tuned on the one above,
# each committed before search was ever run on it: how far that tuning carries to new queries.
# Floors and ceilings are where search stands now, so that a change making it worse fails; they
# are not the targets. Search by meaning (session 26) raised the first three, and its
# threshold was chosen looking at them; the fourth was first run once both were committed.
HELD_OUT_SETS = [
    # 0.46 at its first run; 12 empty then, 13 once directions after a verb (出来) were fillers.
    HeldOut("situations_heldout.yaml", "held-out situations", 17 / 26, 8, 2, 7),  # hit@3 0.65
    # A second (session 19), judged the same way by a helper that never saw search's answers:
    # 0.60 and 11 empty by words alone.
    HeldOut("situations_heldout_2.yaml", "held-out situations 2", 22 / 30, 6, 0, 4),  # 0.73
    # A third (session 23), judged the same way and committed before search was first run on it:
    # 0.56 and 14 empty at its first run, 0.59 and 13 once the places a case's text names were
    # words, 12 once directions after a verb were fillers; 0.62 and 11 once pinyin typed in a run
    # was read word by word (session 25, after looking at its fruit query: no longer held out for
    # pinyin). By meaning too: 0.65 and 9 empty.
    HeldOut("situations_heldout_3.yaml", "held-out situations 3", 22 / 34, 9, 2, 9),  # 0.65
    # A fourth (session 26), judged the same way and committed before search was first run on it,
    # after search by meaning and its threshold were: its first run, by words alone 0.47 with 17 empty.
    HeldOut("situations_heldout_4.yaml", "held-out situations 4", 22 / 34, 10, 0, 7),  # 0.65
    # A fifth (session 27), judged the same way and committed before search was first run on it.
    # Its writer found most of the cases' measures already asked about, and put them in words
    # further from the cases': by words alone 0.25 with 19 empty at its first run, 0.46 and 11
    # empty with meaning. Its pinyin and typo misses were then looked at (no longer held out for
    # those kinds): a name of numbered parts and a name a case quotes are now spelled in pinyin
    # and mistyped.
    HeldOut("situations_heldout_5.yaml", "held-out situations 5", 15 / 28, 9, 3, 8),  # 0.54
    # A sixth (session 28), judged the same way and committed before search was first run on it,
    # with more long village sentences among the questions no case answers: its first run.
    HeldOut("situations_heldout_6.yaml", "held-out situations 6", 17 / 35, 13, 1, 6),  # 0.49
    # A seventh (session 29), judged the same way and committed before search was first run on
    # it: 0.58 with 11 empty at its first run. Its initials miss was then looked at (no longer
    # held out for initials): names a text quotes in a list (“视才定岗、设岗承诺、争创红星”) are now
    # each a name. A thesaurus of 250 everyday/official word groups, written by a helper blind to
    # every set, changed nothing on it and was not adopted.
    HeldOut("situations_heldout_7.yaml", "held-out situations 7", 22 / 36, 10, 1, 6),  # 0.61
]


def ranking(query):
    results = search_cases({"q": query})
    return [hit.case.slug for hit in results.hits], results


def judge(items):
    rows = []
    for item in items:
        found, results = ranking(item["query"])
        relevant = set(item["relevant"])
        hit = bool(set(found[:3]) & relevant)
        recall = len(set(found[:5]) & relevant) / len(relevant) if relevant else 0.0
        rows.append((item, found, hit, recall, results))
    return rows


@dataclass
class Measured:
    hit_at_3: float
    empty: list  # answered queries that came back empty
    weak: list  # unanswered queries that listed matches
    # Of the empty ones, those whose page offers a judged case as possibly related (search.meanings):
    # not an answer, but no dead end either; and the unanswered ones listing nothing that offer some.
    judged_offered: list
    offered_unanswered: list


def measured(items, label, misses=True):
    """hit@3, the answered queries that came back empty and the unanswered ones that did not,
    and what the empty pages offered as possibly related, printed (with every miss, unless
    `misses` is false)."""
    answered = judge([item for item in items if item["relevant"]])
    unanswered = judge([item for item in items if not item["relevant"]])
    hit_at_3 = sum(hit for _, _, hit, _, _ in answered) / len(answered)
    recall_at_5 = sum(recall for _, _, _, recall, _ in answered) / len(answered)
    empty = [item["query"] for item, found, *_ in answered if not found]
    weak = [item["query"] for item, found, *_ in unanswered if found]
    judged_offered = [
        item["query"]
        for item, found, _, _, results in answered
        if not found and {close.case.slug for close in results.maybe} & set(item["relevant"])
    ]
    offered_unanswered = [item["query"] for item, found, _, _, results in unanswered if not found and results.maybe]
    print(
        f"\n{label}: {len(answered)} answered, hit@3 {hit_at_3:.2f} recall@5 {recall_at_5:.2f}, "
        f"zero-result rate {len(empty) / len(answered):.2f} ({len(empty)}); "
        f"{len(unanswered)} unanswered, {len(weak)} listed weak matches"
    )
    print(
        f"  possibly related (at most {MAYBE_CASES}, by meaning) on an empty page: a judged case for "
        f"{len(judged_offered)} of the {len(empty)} empty answered queries; some case for "
        f"{len(offered_unanswered)} of the {len(unanswered) - len(weak)} unanswered ones listing nothing"
    )
    by_kind = {}
    for item, _, hit, _, _ in answered:
        by_kind.setdefault(item["kind"], []).append(hit)
    print("  hit@3 by kind: " + ", ".join(f"{kind} {sum(h) / len(h):.2f}" for kind, h in sorted(by_kind.items())))
    for item, found, hit, _, _ in answered if misses else ():
        if not hit:
            print(f"  miss: {item['query']} → {found[:3]} (judged: {item['relevant']})")
    for query in weak if misses else ():
        print(f"  weak: {query}")
    return Measured(hit_at_3, empty, weak, judged_offered, offered_unanswered)


@pytest.mark.django_db
def test_situation_queries(capsys):
    assert len(ANSWERED) >= 40 and len(UNANSWERED) >= 8
    with capsys.disabled():
        found = measured(JUDGED, "situations")
    assert found.hit_at_3 >= HIT_AT_3_FLOOR
    assert len(found.empty) <= EMPTY_ANSWERS_CEILING
    assert len(found.weak) <= WEAK_ANSWERS_CEILING
    assert len(found.judged_offered) >= JUDGED_OFFERED_FLOOR


@pytest.mark.django_db
@pytest.mark.parametrize("held_out", HELD_OUT_SETS, ids=lambda held_out: held_out.file)
def test_held_out_situation_queries(capsys, held_out):
    with capsys.disabled():
        # Only the figures: the misses, printed at each run, would invite tuning against the set.
        found = measured(held_out.judged, held_out.label, misses=False)
    assert found.hit_at_3 >= held_out.hit_at_3_floor
    assert len(found.empty) <= held_out.empty_ceiling
    assert len(found.weak) <= held_out.weak_ceiling
    assert len(found.judged_offered) >= held_out.offered_floor


@pytest.mark.django_db
def test_best_match_says_so_above_the_results(client):
    partial = [
        item["query"] for item, found, _, _, results in judge(ANSWERED) if found and BEST_MATCH_NOTE in results.errors
    ]
    assert partial, "the judged set has sentences no case holds every word of"
    page = client.get("/search/", {"q": partial[0]}).content.decode()
    assert BEST_MATCH_NOTE in page and page.index(BEST_MATCH_NOTE) < page.index('class="hit"')
    # Where a case holds every word, there is no best match and nothing to say.
    assert BEST_MATCH_NOTE not in client.get("/search/", {"q": "两会两评"}).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["pinyin", "initials", "typo"])
def test_pinyin_initials_and_typos_are_read_as_the_word_meant(kind):
    items = [item for item in ANSWERED if item["kind"] == kind]
    for item, found, hit, _, results in judge(items):
        assert results.query.corrections, item["query"]
        assert hit, f"{item['query']} → {found[:3]}"


@pytest.mark.django_db
def test_a_search_reads_each_clause_from_the_index_once():
    """Matching, best match and the facets of a filtered search share what each clause matches."""
    for item in JUDGED:
        with CaptureQueriesContext(connection) as captured:
            results = search_cases({"q": item["query"], "domain": "农村"})
        if results.as_typed or (not results.total and results.query.corrections):
            continue  # its reading found nothing: what was typed was a second search
        reads = [query["sql"] for query in captured if FTS_TABLE in query["sql"] or PG_TABLE in query["sql"]]
        assert reads and len(reads) == len(set(reads)), item["query"]
