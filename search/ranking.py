"""How search results are ordered, defined once and read by every engine.

Matches fall into rank tiers, compared in TIERS' order (a case in the first tier outranks every
case outside it, whatever the rest); within the same tiers, the engine's relevance (bm25,
ts_rank, Elasticsearch's score), or newest first. An engine expresses each tier in its own
terms: sets of cases in the database engine, constant scores (`boost`) in Elasticsearch.
"""

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Tier:
    name: str
    description: str


TIERS = (
    Tier("named", "filed under every vocabulary term the query names (a problem, theme or domain, or an alias)"),
    Tier("title", "every word in the title or the model name"),
    Tier("headline", "every word in the index's title slot: title, model name, summary, place, vocabulary terms"),
    # Only a query with a compound (户联理事会 → 户联/理事会) has this tier: the others hold every
    # word as written anyway.
    Tier("as_written", "every word as written, not only through all of a compound's parts"),
)


def boost(tier):
    """A constant score for `tier` that, summed with the lower tiers', keeps TIERS' order: 8, 4, 2, 1."""
    return 2 ** (len(TIERS) - 1 - TIERS.index(tier))


# Best match: when no case holds every clause of a query (a word, or a term it names), the cases
# holding the most of its weight, a clause weighing as much as it is rare (bm25's idf). A case
# must hold at least BEST_MATCH_SHARE of the weight: below it, a match is too weak to offer. A
# clause no case matches (a word the cases never use: 六七十岁, 怨气) counts only UNSEEN_SHARE
# of its weight there: sentences are full of such words, yet a question about a topic no case
# covers (禁毒, 殡葬) must still come back empty rather than with the cases sharing its other words.
# A case filed under every problem the query names (or an alias of one) is always a best match,
# holding at least the floor: she named what the case set out to solve, whatever else she typed
# (农民增收难 + 门路); cases holding more of her words come first. Not so a theme or a domain:
# 农村 or 乡村 names a field nearly every case is in.
BEST_MATCH_NAMED = ("problem",)
BEST_MATCH_SHARE = 0.5
UNSEEN_SHARE = 0.25
BEST_MATCH_NOTE = "没有同时包含全部词语的案例，以下按匹配程度排列。"


def named_for_best_match(concepts):
    """The concepts of a query whose cases are always a best match (BEST_MATCH_NAMED)."""
    return [concept for concept in concepts if concept.kind in BEST_MATCH_NAMED]


def clause_name(clause):
    """How a query's clause is named to the reader: a word as searched, a term by its name."""
    return getattr(clause, "name", clause)


def unseen_clauses(clauses, matches):
    """The names of a query's `clauses` (words, or terms it names) that no case uses, from the
    cases each `matches`."""
    return [clause_name(clause) for clause, found in zip(clauses, matches) if not found]


def unseen_notes(unseen):
    """Which of the query's words no case uses: with a best match, so that she can judge how far
    the cases answer her question; with none, so that she knows what to leave out."""
    return [f"没有案例提到：{'、'.join(unseen)}。"] if unseen else []


def best_match_notes(clauses, matches):
    """What a best match tells the reader: that it is one, and the words no case uses."""
    return [BEST_MATCH_NOTE, *unseen_notes(unseen_clauses(clauses, matches))]


def clause_weight(matches, total):
    """A clause's weight in hundredths (an int, so that every engine sums it exactly), from how
    many of the `total` published cases it matches: a clause matching none weighs most."""
    idf = math.log(1 + (total - matches + 0.5) / (matches + 0.5))
    return max(1, round(100 * idf))


def best_match_floor(weights, matches):
    """The least weight (hundredths) a best match must hold of a query's clause `weights`, whose
    clauses match `matches` cases each."""
    counted = sum(weight if found else UNSEEN_SHARE * weight for weight, found in zip(weights, matches))
    return math.ceil(BEST_MATCH_SHARE * counted)


SORTS = {"relevance": "相关度", "newest": "最新"}
