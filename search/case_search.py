"""The search page's search: request parameters → one engine request → a page of hits + facets.

Which cases match and in what order is the engine's (search.engines, search.ranking); this
reads the parameters, asks whichever engine is configured, and fetches the page's cases through
CasePage.objects.published(), so what a reader is shown is always checked in the database.
"""

import re
from dataclasses import dataclass, field, replace
from functools import reduce
from operator import or_
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Q, prefetch_related_objects
from django.utils.html import format_html
from taggit.models import Tag

from cases.filters import BY_NAME, CaseFilter
from cases.models import CasePage
from cases.taxonomy import Problem, Theme

from .engines.interface import UNAVAILABLE, EngineUnavailable, SearchRequest, run
from .facets import FACET_LABELS
from .filter_links import query_string
from .highlight import snippet
from .listing import browse_vocabularies
from .meanings import BY_MEANING_NOTE, answer_or_maybe
from .paging import paginate
from .promotions import promoted
from .query import ParsedQuery, parse_query
from .ranking import SORTS, clause_name
from .text import compact, fold, plain_pinyin, vocabulary

PAGE_SIZE = 10
# What the autocomplete reads of what was typed: enough for any name, and a reader's sentence is searched.
MAX_TYPED = 50
# A correction is kept only when what was typed finds nothing as written: one engine request each.
MAX_CHECKED_CORRECTIONS = 3


@dataclass
class Hit:
    case: CasePage
    snippet: str


@dataclass
class SearchResults:
    query: ParsedQuery
    case_filter: CaseFilter
    sort: str
    page: object  # a Paginator page of case ids (no further than the engines page)
    hits: list
    facets: dict
    errors: list = field(default_factory=list)
    total: int = 0  # the matches in all
    promoted: list = field(default_factory=list)  # promotions.Promoted, on the first page only
    as_typed: bool = False  # searched as typed (asked so, or its reading found nothing): so are its links
    retry: str = ""  # when nothing was found: the query without the words no case uses
    by_meaning: bool = False  # the words found nothing: these cases say something meaning the same
    maybe: list = field(default_factory=list)  # nothing found: meanings.Close possibly related
    # The published cases searched (a queryset; None when no engine answered), for what the page
    # adds: another made anew would ask again which pages are private.
    published: object = None

    @property
    def by_words(self):
        """Cases found by their words: ordered as asked, with facets to narrow them by."""
        return bool(self.total) and not self.by_meaning


def understood_query(raw, as_typed=False):
    """The query `raw`, its pinyin read and slips corrected only where what was typed finds
    nothing as written: a real word that sounds like another (失业 beside 事业) is left alone."""
    query = parse_query(raw, as_typed=as_typed)
    found = [typed for typed, _ in query.corrections[:MAX_CHECKED_CORRECTIONS] if _found_as_written(typed)]
    return parse_query(raw, keep=found) if found else query


def _found_as_written(*typed):
    """Whether some published case holds all of `typed`, each as written."""
    phrase = parse_query(" ".join(f'"{words}"' for words in typed), as_typed=True)
    try:
        return run(SearchRequest(query=phrase, limit=0, facets=False, snippets=False)).total > 0
    except EngineUnavailable:
        return False


def answered(request, raw, ask, total):
    """(request, answer, searched as typed?) for `request`, whose query reads `raw`: the answer
    `ask(request)` gives, or, when that reading corrected something and found nothing (`total`
    of an answer), the answer for what was typed if it finds any (its best match)."""
    answer = ask(request)
    if total(answer) or not request.query.corrections:
        return request, answer, False
    typed = replace(request, query=understood_query(raw, as_typed=True))
    typed_answer = ask(typed)
    return (typed, typed_answer, True) if total(typed_answer) else (request, answer, False)


def nothing_to_search(query, filtered):
    """What to say of a query typed with nothing to search for (emoji, punctuation, invisible
    characters alone), which is then no search; None for any other query."""
    if not query.text or query or query.phrases:
        return None
    return f"“{query.text}”里没有可以搜索的字词，以下{'按筛选条件列出案例' if filtered else '是全部案例'}。"


def search_request(params):
    """The SearchRequest that request parameters `params` (a QueryDict or dict) describe, and the
    messages about what was sent."""
    query = understood_query(params.get("q", ""), as_typed=params.get("as_typed") == "1")
    case_filter = CaseFilter.from_params(params)
    sort = params.get("sort") if params.get("sort") in SORTS else "relevance"
    messages = list(case_filter.errors)
    nothing = nothing_to_search(query, filtered=bool(case_filter.chosen()))
    if nothing:
        messages.append(nothing)
        query = parse_query("")
    if query.truncated:
        messages.append(f"搜索词过长，只按前 {len(query.text)} 个字搜索。")
    return SearchRequest(query=query, case_filter=case_filter, sort=sort), messages


def _default_snippet(case, query):
    if not query:
        return snippet([case.summary], [])
    return snippet([case.body_text(), case.summary], query.highlight_terms())


def search_cases(params):
    """Run the search described by the request parameters `params` (a QueryDict or dict)."""
    request, errors = search_request(params)
    as_typed = params.get("as_typed") == "1"
    try:
        request, (page, results), retried = answered(
            request,
            params.get("q", ""),
            lambda asked: paginate(run, asked, params.get("page"), PAGE_SIZE),
            lambda answer: answer[1].total,
        )
    except EngineUnavailable:
        return SearchResults(
            query=request.query,
            case_filter=request.case_filter,
            sort=request.sort,
            page=Paginator([], PAGE_SIZE).get_page(1),
            hits=[],
            facets={name: [] for name in FACET_LABELS},
            errors=[*errors, UNAVAILABLE],
            as_typed=as_typed,
        )
    query = request.query
    page_ids = list(page.object_list)
    published = CasePage.objects.published()
    cases = published.in_bulk(page_ids)
    snippets = results.snippets
    hits = [
        Hit(case=cases[pk], snippet=snippets.get(pk) or _default_snippet(cases[pk], query))
        for pk in page_ids
        if pk in cases
    ]
    maybe = []
    if not results.total and query.text and page.number == 1:
        close, maybe = answer_or_maybe(query.text, request.case_filter.apply(published))
        if close:
            return _by_meaning(request, close, [*errors, *results.notes], as_typed or retried)
    return SearchResults(
        query=query,
        case_filter=request.case_filter,
        sort=request.sort,
        page=page,
        hits=hits,
        facets=results.facets,
        errors=[*errors, *results.notes],
        total=results.total,
        promoted=promoted(query, request.case_filter) if page.number == 1 else [],
        as_typed=as_typed or retried,
        retry=_without_unseen(query, results.unseen) if not results.total else "",
        maybe=maybe,
        published=published,
    )


def _by_meaning(request, close, notes, as_typed):
    """The results of a search by meaning (search.meanings) for what the request's query says:
    the cases `close` to it, each shown with its closest sentence. `notes`: what the search by
    words said."""
    prefetch_related_objects([found.case for found in close], "themes")  # as published() would
    hits = [
        Hit(case=found.case, snippet=format_html('<mark class="hit__sense">{}</mark>', found.sentence))
        for found in close
    ]
    return SearchResults(
        query=request.query,
        case_filter=request.case_filter,
        sort=request.sort,
        page=Paginator([hit.case.pk for hit in hits], PAGE_SIZE).get_page(1),
        hits=hits,
        facets={name: [] for name in FACET_LABELS},
        errors=[*notes, BY_MEANING_NOTE],
        total=len(hits),
        promoted=promoted(request.query, request.case_filter),
        as_typed=as_typed,
        by_meaning=True,
    )


def _without_unseen(query, unseen):
    """The query's other words and terms, to search for when some no case uses sank it."""
    kept = [clause_name(clause) for clause in query.clauses]
    kept = [name for name in dict.fromkeys(kept) if name not in unseen]
    # A lone character left (the 1 of alert(1)) is no search worth offering.
    return " ".join(kept) if unseen and any(len(name) > 1 for name in kept) else ""


def suggestions(query=None, limit=8, published=None):
    """What to offer when a search finds nothing: the problems and themes cases are filed under,
    the vocabulary terms closest to what was typed, and model names (of `published`, the
    published cases as a search made them, if given)."""
    browse = browse_vocabularies()
    closest = []
    if query is not None and query.text:
        named = {(concept.kind, concept.slug) for concept in query.concepts}  # offered as recognised
        closest = [
            _term_link(term.kind, term.slug, term.name)
            for term in vocabulary.matcher().closest(compact(query.text))
            if (term.kind, term.slug) not in named
        ]
    published = CasePage.objects.published() if published is None else published
    model_names = list(published.exclude(model_name="").values_list("model_name", flat=True)[:limit])
    return {
        "closest": closest,
        "problems": list(browse["problems"]),
        "themes": list(browse["themes"][:limit]),
        "model_names": model_names,
    }


def _term_link(kind, slug, name):
    """A vocabulary term as a link to the search for every case filed under it."""
    return {"label": BY_NAME[kind].label, "name": name, "url": "?" + urlencode({kind: slug})}


def understanding(query, links):
    """What the page says it understood of the query: the terms it recognised (each a link to
    the cases filed under it), and the corrections it made ("您是不是要找"), with a link to
    search as typed instead. `links`: the page's link parameters (search.filter_links)."""
    recognised = [_term_link(concept.kind, concept.slug, concept.name) for concept in query.concepts]
    corrected = None
    if query.corrections:
        meant = plain_pinyin(fold(query.text))  # as the corrections were read: dǎngjiàn is dangjian
        for typed, word in query.corrections:
            meant = meant.replace(typed, word, 1)
            # Pinyin typed beside the word it spells (党建dangjian, 兴山 xingshan) means it once.
            meant = re.sub(rf"({re.escape(word)})\s*\1", r"\1", meant)
        corrected = {
            "meant": " ".join(meant.split()),
            "typed": query.text,
            "as_typed_url": query_string(links, as_typed="1"),
        }
    return {"recognised": recognised, "corrected": corrected}


def autocomplete(text, limit=8):
    """Titles, model names, the places cases name and the names they quote, themes and problems
    (by name or alias), and tags containing what was typed (繁/简 alike, or the words its pinyin
    spells or begins); pinyin no name spells or begins, as the search reads it (below); for a
    slip that finds none, what the search would read it as (两会两平 → 两会两评)."""
    whole = fold(text).strip()
    typed = whole[:MAX_TYPED]
    if not typed:
        return []
    # Pinyin or its initials (xingshan, jtjj, dǎngjiàn) complete as the word they spell; pinyin
    # still being typed (xings) as the words it begins.
    letters = "".join(plain_pinyin(typed).split())
    lexicon = vocabulary.lexicon()
    spelled = lexicon.from_pinyin(letters)
    completing = [] if spelled else lexicon.completions(letters)
    read = None if spelled or completing or len(whole) > MAX_TYPED else _reading(letters)
    if spelled:
        words = [spelled]
    elif read and len(read[1]) == 1:
        words = read[1]  # a word alone read: the names holding it
    else:
        words = [typed, *completing]  # what was typed counts too: letters may be a name (wang, dang in a title)
    found = _containing_any(words, limit)
    if read and not any(item["label"] == read[0] for item in found):
        found = [{"label": read[0], "kind": "搜索", "url": None}, *found][:limit]  # offered first
    if not found:
        meant = [word for _, word in parse_query(typed).corrections]
        found = _containing_any(meant, limit) if meant else []
    return found


def _reading(letters):
    """What the search reads `letters` as where no name spells or begins them (cunganbu → 村干部,
    a word only the cases' texts use; jitijingjizenmefazhan, several words): (the reading as the
    search page shows one, its words but question words), or None where it reads none, or no
    published case holds those words (the words read may come from a case since withdrawn)."""
    read = vocabulary.read_letters([letters])[letters] if letters else None
    meant = [word for word in read or () if word not in vocabulary.fillers()]
    if not meant or not _found_as_written(*meant):
        return None
    return " ".join(read), meant


def _containing_any(words, limit):
    """Suggestions whose name holds any of `words`: cases (and their models), then the themes,
    problems and tags published cases are filed under."""

    def containing(field):
        return reduce(or_, (Q(**{f"{field}__icontains": word}) for word in words))

    found = []
    published = CasePage.objects.published()
    named = containing("title") | containing("model_name") | containing("named_places") | containing("quoted_names")
    for case in published.filter(named)[:limit]:
        found.append({"label": case.title, "kind": "案例", "url": case.url})
        if case.model_name and any(word in case.model_name.lower() for word in words):
            found.append({"label": case.model_name, "kind": "模式", "url": case.url})
        # A township or village the case names, or a name it quotes for what it did (“赔树还田”), is
        # searched for: other cases may name it too.
        for names, kind in ((case.named_places, "地名"), (case.quoted_names, "做法")):
            found += [
                {"label": name, "kind": kind, "url": None}
                for name in names.split()
                if any(word in name for word in words)
            ]
    shown = published.values("pk")
    # A term by an alias too (老龄化 → 党员队伍老化): the term is what the cases are filed under.
    called = containing("name") | containing("aliases")
    for model, kind in ((Theme, "主题"), (Problem, "难题")):
        for term in model.objects.filter(called, cases__in=shown).distinct()[:limit]:
            found.append({"label": term.name, "kind": kind, "url": None})
    used_tags = Tag.objects.filter(cases_casepagetag_items__content_object__in=shown).distinct()
    for tag in used_tags.filter(containing("name"))[:limit]:
        found.append({"label": tag.name, "kind": "标签", "url": None})
    seen = set()
    unique = [item for item in found if not (item["label"] in seen or seen.add(item["label"]))]
    return unique[:limit]
