"""How search results are ordered, defined once and read by every engine.

Matches fall into rank tiers, compared in TIERS' order (a case in the first tier outranks every
case outside it, whatever the rest); within the same tiers, the engine's relevance (bm25,
ts_rank, Elasticsearch's score), or newest first. An engine expresses each tier in its own
terms: sets of cases in the database engine, constant scores (`boost`) in Elasticsearch.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Tier:
    name: str
    description: str


TIERS = (
    Tier("title", "every word in the title or the model name"),
    Tier("headline", "every word in the index's title slot: title, model name, summary, place, vocabulary terms"),
    # Only a query with a compound (户联理事会 → 户联/理事会) has this tier: the others hold every
    # word as written anyway.
    Tier("as_written", "every word as written, not only through all of a compound's parts"),
)


def boost(tier):
    """A constant score for `tier` that, summed with the lower tiers', keeps TIERS' order: 4, 2, 1."""
    return 2 ** (len(TIERS) - 1 - TIERS.index(tier))


SORTS = {"relevance": "相关度", "newest": "最新"}
