from django.apps import AppConfig
from django.conf import settings


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "搜索"

    def ready(self):
        from cases import finding
        from cases.names import dictionary_words, lexicon_words, title_words, vocabulary_terms

        from . import checks, known_words, listing, signals, similar, text, text_words  # noqa: F401 (checks registers itself)

        # The segmenter's words: the curated list now, the domain's names when it first loads.
        # Each read through known_words, which notes where the change journal stands first and
        # is asked before the segmenter, the terms or the lexicon are handed out: what another
        # process changes reaches this one.
        text.dictionary.use(
            text.dictionary.read_word_list(settings.FIXTURES_DIR / "search_dictionary.txt"),
            known_words.reading(dictionary_words),
            follow=known_words.once_a_request,
        )
        # What a query may name, spell in pinyin or mistype, do without, and say in other words.
        text.vocabulary.use(
            known_words.reading(vocabulary_terms),
            known_words.reading(lexicon_words),
            text.dictionary.read_word_list(settings.FIXTURES_DIR / "query_fillers.txt"),
            [line.split() for line in text.dictionary.read_word_list(settings.FIXTURES_DIR / "query_synonyms.txt")],
            follow=known_words.once_a_request,
            title_words=known_words.reading(title_words),
            text_words=text_words.spelled,
        )
        # What sentences mean (search by meaning), read when first needed.
        text.meaning.use(settings.SEARCH_MEANING_MODEL)
        # What case pages show of search's answers (cases does not import search).
        finding.provide(
            case_listing=listing.case_listing_context,
            related_cases=similar.related_cases,
            newest_case_ids=listing.newest_case_ids,
        )
        signals.connect()
