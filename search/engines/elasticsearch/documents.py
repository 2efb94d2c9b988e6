"""The case index: one document per published case, its text fed through search.text.

Segmented fields (analysed by WORDS) hold the pipeline's terms in the database backend's two
slots, the headline and the body, and the title and model name once more for the title tier;
the *_raw fields hold the text as written, in Simplified characters (analysed by
TEXT) for quoted phrases and highlights; vocabulary slugs and years are keywords for filters
and facets.
"""

from django.conf import settings
from elasticsearch.dsl import Boolean, Date, Document, Index, InnerDoc, Integer, Keyword, MetaField, Object, Text

from cases.filters import case_years
from cases.models import CasePage
from cases.pages import listing_year
from search.text import SEARCH_ONLY_FOLDS, SPOKEN_PLUS, index_text, to_simplified

from .analysis import TEXT_ANALYZERS, WORDS_ANALYZER
from .query import facet_keys

WORDS = "case_words"
TEXT = "case_text"


# Facet fields load their global ordinals when the index refreshes, not at the first search after.
FACET = {"eager_global_ordinals": True}
# Snippet fields keep their offsets: the highlighter reads them from the index instead of
# analysing the whole text of each hit again.
SNIPPET = {"index_options": "offsets"}


# A term's or a place's name as written, for other consumers of the index: searches match it in
# the headline.
class Term(InnerDoc):
    slug = Keyword(**FACET)
    name = Keyword()


class Place(InnerDoc):
    slug = Keyword()
    path = Keyword()  # the case's region and every region above it: what ?region= matches
    province = Keyword(**FACET)  # the region facet
    name = Keyword()


class Figure(InnerDoc):
    label = Text(analyzer=WORDS)
    value = Keyword()
    unit = Keyword()
    year = Integer()


class CaseDocument(Document):
    pk = Integer()
    title = Text(analyzer=WORDS)
    model_name = Text(analyzer=WORDS)
    headline = Text(analyzer=WORDS)  # CasePage.search_headline(), the database index's headline slot
    body = Text(analyzer=WORDS)
    headline_raw = Text(analyzer=TEXT)  # CasePage.search_headline(): quoted phrases
    summary_raw = Text(analyzer=TEXT, **SNIPPET)  # snippets, after the body
    body_raw = Text(analyzer=TEXT, **SNIPPET)  # quoted phrases and snippets
    region = Object(Place)
    domain = Object(Term)
    themes = Object(Term, multi=True)
    problems = Object(Term, multi=True)
    tags = Object(Term, multi=True)
    years = Integer(multi=True)  # numbers: a terms facet on numbers needs no global ordinals
    listing_year = Integer()  # cases.pages.listing_year: the newest-first order
    first_published_at = Date()
    featured = Boolean()  # the home page's featured cases
    path = Keyword()  # the page's place in the tree: a case library lists the cases below it
    facets = Keyword(multi=True, **FACET)  # query.FACETS_FIELD: every shared facet's values
    # Key figures are in the index for other consumers (Kibana, reports); the search page
    # matches the same text as the database search, which leaves them out.
    key_figures = Object(Figure, multi=True)

    class Meta:
        dynamic = MetaField("strict")


def case_index(name):
    """The index `name` with the case analysers and mapping, ready to create."""
    index = Index(name)
    index.settings(
        analysis={
            "analyzer": {
                WORDS: WORDS_ANALYZER,
                TEXT: {
                    **TEXT_ANALYZERS[settings.SEARCH_ENGINE_CHINESE_ANALYZER],
                    "char_filter": ["search_folds", "spoken_plus"],
                },
            },
            # *_raw text is only made Simplified (snippets show it); search.text.fold's search-only
            # folds (著 → 着, 1加3 → 1+3) happen here, so that quoted phrases, which are folded,
            # still match.
            "char_filter": {
                "search_folds": {
                    "type": "mapping",
                    "mappings": [f"{chr(source)} => {target}" for source, target in SEARCH_ONLY_FOLDS.items()],
                },
                "spoken_plus": {"type": "pattern_replace", "pattern": SPOKEN_PLUS, "replacement": "+"},
            },
        }
    )
    index.document(CaseDocument)
    return index


def cases_to_index():
    """Published cases with everything a document needs, in a fixed number of queries."""
    return (
        CasePage.objects.published()
        .select_related("region__parent__parent")
        .prefetch_related("problems", "tags", "key_figures")
    )


def term_fields(term):
    """A vocabulary term as the index holds it."""
    return {"slug": term.slug, "name": term.name}


def place_fields(region):
    """A region as the index holds it: its slug, the regions it lies in, its province."""
    regions = [region]
    while regions[-1].parent_id:
        regions.append(regions[-1].parent)
    return {
        "slug": region.slug,
        "path": [each.slug for each in regions],
        "province": regions[-1].slug,
        "name": region.full_name,
    }


def case_document(case, segment=index_text):
    """The document for a published case (from cases_to_index()). `segment`: search.text's
    index_text, or one that gives the same words faster for text it has seen (the engine
    benchmark's, which segments each recombined seed sentence once)."""
    body, headline = case.body_text(), case.search_headline()
    fields = dict(
        pk=case.pk,
        title=segment(case.title),
        model_name=segment(case.model_name),
        headline=segment(headline),
        body=segment(body),
        headline_raw=to_simplified(headline),
        summary_raw=to_simplified(case.summary),
        body_raw=to_simplified(body),
        region=place_fields(case.region) if case.region_id else None,
        domain=term_fields(case.domain) if case.domain_id else None,
        themes=[term_fields(term) for term in case.themes.all()],
        problems=[term_fields(term) for term in case.problems.all()],
        tags=[term_fields(tag) for tag in case.tags.all()],
        years=case_years(case.year_started, case.year_reported),
        listing_year=listing_year(case.year_started, case.year_reported),
        first_published_at=case.first_published_at,
        featured=case.featured,
        path=case.path,
        key_figures=[
            {"label": segment(figure.label), "value": figure.value, "unit": figure.unit, "year": figure.year}
            for figure in case.key_figures.all()
        ],
    )
    return CaseDocument(meta={"id": case.pk}, **fields, facets=facet_keys(fields))
