"""Search requests on the case index, as plain request bodies that Elasticsearch 8 and
OpenSearch 2 and 3 all understand: filters, facets and rank tiers read from
cases.filters.FILTERS and search.ranking.TIERS, as the database engine reads them.

Ranking: the rank tiers as constant scores (search.ranking.boost) above Elasticsearch's own
relevance squeezed into [0, 1). Facets count the whole filtered result, as the database
engine's do, each leaving out its own filter's choice.
"""

import re

from elasticsearch.dsl import Q, Search

from cases.filters import BY_NAME, FILTERS
from search.ranking import TIERS, best_match_floor, boost, named_for_best_match
from search.text import word_parts

TITLE_FIELDS = ["title", "model_name"]
HEADLINE_FIELDS = ["headline"]
# The headline weighs five times the body, as in the database backend's index.
TEXT_FIELDS = ["headline^5", "body"]
PHRASE_FIELDS = ["headline_raw", "body_raw"]
SNIPPET_FIELDS = ["body_raw", "summary_raw"]  # in the database search's order: body, then summary
# Highlights come back as plain text marked with private-use characters; search.highlight
# then escapes and marks it, so nothing from Elasticsearch reaches the page as HTML.
MARK_START, MARK_END = "\ue000", "\ue001"
MARKED = re.compile(f"{MARK_START}(.*?){MARK_END}")
# Relevance squeezed into [0, 1), so that the whole-number rank tiers below always come first.
SATURATED_SCORE = "_score / (_score + 1)"
NEWEST = [
    {"listing_year": {"order": "desc", "missing": "_last"}},
    {"first_published_at": {"order": "desc"}},
    {"pk": {"order": "asc"}},
]  # CasePage.objects.published()'s order
RECENTLY_PUBLISHED = [{"first_published_at": {"order": "desc", "missing": "_last"}}, {"pk": {"order": "asc"}}]
# Enough buckets for every value of a vocabulary or span of years, so that ordering them by the
# filter's rule and cutting them to the request's facet limit give the database engine's result.
FACET_BUCKETS = 200
BY_COUNT = [{"_count": "desc"}, {"_key": "asc"}]
# The facets of bounded vocabularies (and years) have their values in one more field as well,
# "theme:dangyuan-jiaoyu", "year:2009": one aggregation counts every facet that shares the same
# other filters, instead of one each (at a million cases each aggregation costs a pass over them).
FACETS_FIELD = "facets"
SHARED_FACETS = [each for each in FILTERS if not each.open_vocabulary]
FACET_GROUP = "facets:"  # the aggregations' names: facets:theme+problem+domain
# More than every value of the bounded vocabularies and years together: each facet of a group
# gets all of its values, however many another facet of the group has. A group counts the other
# shared facets' values too, and reading it back drops them: an `include` pattern choosing only
# the group's would make the engine collect into a hash instead of an array by global ordinal,
# which is much slower.
SHARED_FACET_VALUES = 10_000


def filter_field(each):
    """The document field a filter's value must be in: a region matches the regions below it."""
    if each.year_range:
        return "years"
    return f"{each.field}.path" if each.tree else f"{each.field}.slug"


def facet_field(each):
    """The document field a filter's facet counts: the region tree counts provinces."""
    if each.year_range:
        return "years"
    return f"{each.field}.province" if each.tree else f"{each.field}.slug"


def facet_key(each, value):
    """The value of `each`'s facet as the facets field holds it."""
    return f"{each.name}:{value}"


def facet_keys(document):
    """The facets field of a case document, from its other fields (a dict): each shared facet's
    values, read from the field the facet counts."""
    keys = []
    for each in SHARED_FACETS:
        values = [document]
        for name in facet_field(each).split("."):
            values = [v for found in values for v in _listed(found.get(name) if isinstance(found, dict) else None)]
        keys += [facet_key(each, value) for value in values]
    return keys


def _listed(value):
    return value if isinstance(value, list) else [] if value is None else [value]


def facet_counts(aggregations):
    """{filter name: {value: count}} from the facet aggregations of a case_search response."""
    counts = {each.name: {} for each in FILTERS}
    for group, found in aggregations.items():
        if not group.startswith(FACET_GROUP):
            continue
        members = group.removeprefix(FACET_GROUP).split("+")
        shared = BY_NAME[members[0]] in SHARED_FACETS
        for bucket in found["values"]["buckets"]:
            name, value = bucket["key"].split(":", 1) if shared else (members[0], bucket["key"])
            if name in members:
                counts[name][str(value)] = bucket["doc_count"]
    return counts


def _facet_aggregations(search, passing):
    """Each facet counts the cases the other filters in force let through: the facets that share
    those filters (and a bounded vocabulary) in one aggregation over FACETS_FIELD, the others in
    one each over their own field."""
    groups = {}
    for each in FILTERS:
        others = tuple(name for name in passing if name != each.name)
        groups.setdefault((others, each.open_vocabulary and each.name), []).append(each)
    for (others, _), members in groups.items():
        narrowed = search.aggs.bucket(
            FACET_GROUP + "+".join(each.name for each in members),
            "filter",
            filter=Q("bool", filter=[passing[name] for name in others]),
        )
        if members[0] in SHARED_FACETS:
            narrowed.bucket(
                "values",
                "terms",
                field=FACETS_FIELD,
                size=SHARED_FACET_VALUES,
                order=BY_COUNT,
            )
        else:
            narrowed.bucket("values", "terms", field=facet_field(members[0]), size=FACET_BUCKETS, order=BY_COUNT)


def _word(word, fields):
    """The word, or all of its parts, in `fields` (as the database engine's fulltext expressions)."""
    whole = _in_fields(word, fields)
    parts = word_parts(word)
    if not parts:
        return whole
    all_parts = Q("bool", must=[_in_fields(part, fields) for part in parts])
    return Q("bool", should=[whole, all_parts])


def _in_fields(word, fields):
    """One word in any of `fields`, its term statistics blended across them (they share an
    analyser) and its scores in each summed (tie_breaker 1): nearer the database's bm25, which
    adds up its slots' weighted counts, than the default's best field alone. cross_fields rather
    than combined_fields, which OpenSearch 2 lacks."""
    return Q("multi_match", query=word, type="cross_fields", fields=fields, tie_breaker=1)


def _all_words(words, fields):
    return Q("bool", must=[_word(word, fields) for word in words])


def _filed(concept):
    return Q("term", **{filter_field(BY_NAME[concept.kind]): concept.slug})


def _filed_under_all(concepts):
    return Q("bool", must=[_filed(concept) for concept in concepts])


def clause_query(clause, query):
    """What a clause of the query matches (as the database engine's Clauses.cases): a word (or
    one meaning the same) in the text, or a concept's cases (filed under its term, or holding
    every word typed for it)."""
    if isinstance(clause, str):
        alternatives = [_word(word, TEXT_FIELDS) for word in query.alternatives(clause)]
        return alternatives[0] if len(alternatives) == 1 else Q("bool", should=alternatives, minimum_should_match=1)
    if not clause.words:  # named by nothing a text holds: only the cases filed under it
        return _filed(clause)
    return Q("bool", should=[_filed(clause), _all_words(clause.words, TEXT_FIELDS)], minimum_should_match=1)


def _tier_query(tier, query):
    """search.ranking's tier as a query, or None when the query has no such tier."""
    words = query.text_words
    if tier.name == "named":
        return _filed_under_all(query.concepts) if query.concepts else None
    if tier.name == "title":
        return _all_words(words, TITLE_FIELDS)
    if tier.name == "headline":
        return _all_words(words, HEADLINE_FIELDS)
    if tier.name == "as_written":
        if not query.has_compounds():
            return None
        return Q("bool", must=[_in_fields(word, TEXT_FIELDS) for word in words])
    raise ValueError(f"unknown rank tier {tier.name}")


def _relevance_words(query, any_word):
    """The query whose score is Elasticsearch's relevance of the query's words."""
    if any_word:
        return Q("bool", should=[_word(word, TEXT_FIELDS) for word in query.ranked_words], minimum_should_match=1)
    return _all_words(query.text_words, TEXT_FIELDS)


def _saturated(scored):
    """`scored`'s score squeezed into [0, 1): search.ranking's tiers and weights are whole numbers above it.

    A function_score rather than a script_score query: OpenSearch 3.3's script_score fails the
    search on a shard (a null scorer; opensearch-project/OpenSearch#18446) when its query
    matches nothing in a segment and the bool around it has other clauses: a query with a word
    no case holds, beside the rank tiers."""
    return Q(
        "function_score",
        query=scored,
        functions=[{"script_score": {"script": {"source": SATURATED_SCORE}}}],
        boost_mode="replace",
    )


def _matches_as(scored, clauses):
    """Whether `scored` matches exactly the cases that every one of `clauses` matches."""
    return scored == Q("bool", must=clauses) or (len(clauses) == 1 and scored == clauses[0])


def clause_counts(query):
    """A request counting, over the whole index, the cases each clause of `query` matches
    (aggregations c0, c1 …), from which search.ranking weighs them for a best match."""
    search = Search().extra(size=0, track_total_hits=True)
    for number, clause in enumerate(query.clauses):
        search.aggs.bucket(f"c{number}", "filter", filter=clause_query(clause, query))
    return search


def case_search(request, weights=None, matches=None):
    """The elasticsearch.dsl Search for a search.engines.SearchRequest (without its page slice).

    With clause `weights` (search.ranking.clause_weight, one a clause, whose clauses match
    `matches` cases each): the best match, the cases holding at least
    search.ranking.best_match_floor of the weight, the most first."""
    query = request.query
    by_relevance = bool(query) and request.sort == "relevance"
    search = Search().source(False).extra(track_total_hits=True)
    if query and weights:
        floor = best_match_floor(weights, matches)
        held = [
            Q("constant_score", filter=clause_query(clause, query), boost=weight)
            for clause, weight in zip(query.clauses, weights)
        ]
        named = named_for_best_match(query.concepts)
        if named:  # search.ranking: filed under every problem named, at least the floor
            filed = Q("constant_score", filter=_filed_under_all(named), boost=floor)
            held = [Q("dis_max", queries=[Q("bool", should=held), filed])]
        search = search.query(Q("bool", should=[*held, _saturated(_relevance_words(query, any_word=True))]))
        search = search.extra(min_score=floor)
    elif query:
        # The clauses decide what matches (unscored); relevance and the tiers, what comes first.
        # When the relevance query matches just what the clauses do (no named term; one word, or
        # words all required in the ranking too), it decides what matches itself: the engine
        # reads and scores the words once.
        words = _relevance_words(query, any_word=query.partial)
        tiers = _tiers(query) if by_relevance else []
        clauses = [clause_query(clause, query) for clause in query.clauses]
        if _matches_as(words, clauses):
            search = search.query(Q("bool", must=[_saturated(words)], should=tiers))
        else:
            search = search.query(Q("bool", filter=clauses, should=[_saturated(words), *tiers]))
        for phrase in query.phrases:
            search = search.filter(Q("multi_match", query=phrase, type="phrase", fields=PHRASE_FIELDS))
    passing = _passing(request)
    if passing and request.facets:
        # In a post filter: the aggregations see the search without it, each facet then
        # narrowed by the other filters in force (what each further value of its own would add).
        search = search.post_filter(Q("bool", filter=list(passing.values())))
    else:
        for found in passing.values():
            search = search.filter(found)
    search = _scoped(search, request)
    if request.facets:
        _facet_aggregations(search, passing)
    if query and request.snippets:
        search = _highlighted(search, query)
    if by_relevance:
        return search.sort({"_score": {"order": "desc"}}, *NEWEST)
    return search.sort(*(RECENTLY_PUBLISHED if request.sort == "recently_published" else NEWEST))


def _tiers(query):
    tiers = [(tier, _tier_query(tier, query)) for tier in TIERS]
    return [Q("constant_score", filter=found, boost=boost(tier)) for tier, found in tiers if found is not None]


def _passing(request):
    """{filter name: the query of the cases it lets through} of each filter in force: any of its values."""
    return {
        each.name: Q("terms", **{filter_field(each): [value if each.year_range else value.slug for value in values]})
        for each, values in request.case_filter.chosen()
    }


def _scoped(search, request):
    if request.under:
        search = search.filter("prefix", path=request.under)
    if request.featured:
        search = search.filter("term", featured=True)
    if request.within is not None:
        search = search.filter("ids", values=[str(pk) for pk in sorted(request.within)])
    return search


def _highlighted(search, query):
    marks = Q(
        "bool",
        should=[Q("multi_match", query=term, type="phrase", fields=SNIPPET_FIELDS) for term in query.highlight_terms()],
    )
    # number_of_fragments 0: the whole marked field, cut into a snippet by search.highlight.
    return search.highlight_options(
        pre_tags=[MARK_START],
        post_tags=[MARK_END],
        number_of_fragments=0,
        highlight_query=marks.to_dict(),
    ).highlight(*SNIPPET_FIELDS)


def similar_query(request):
    """The cases sharing most problems, then themes, then tags, then the most recently published:
    each shared term a named clause, so that the shared counts come back with the hits."""
    clauses = []
    for weight, (name, field, terms) in enumerate(
        (
            ("tag", "tags.slug", request.tags),
            ("theme", "themes.slug", request.themes),
            ("problem", "problems.slug", request.problems),
        )
    ):
        clauses += [
            Q("constant_score", filter=Q("term", **{field: term.slug}), boost=1000**weight, _name=f"{name}:{term.pk}")
            for term in terms
        ]
    return Q("bool", should=clauses, minimum_should_match=1, must_not=[Q("ids", values=[str(request.case_id)])])
