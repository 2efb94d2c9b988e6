"""Search follows the domain's changes (cases.signals): the engine's index and the segmenter's
dictionary stay in step with what is published and with the vocabularies."""

from django.db import transaction

from cases import signals as domain
from cases.models import CasePage
from cases.names import case_names, lexicon_words, title_words
from cases.taxonomy import Region

from . import meanings, text_words
from .engines.interface import engine
from .text import add_words, place_words, vocabulary


def cases_changed(sender, case_ids, change, **kwargs):
    if change == domain.PUBLISHED:
        # Only published names: a draft must not change how public text is cut. Learnt before
        # the case is indexed, so that its own text is cut with them.
        published = CasePage.objects.filter(pk__in=case_ids)
        add_words(case_names(published))
        # What may be typed in pinyin or mistyped is learnt once the publish is kept: one
        # rolled back teaches the process nothing.
        transaction.on_commit(
            lambda: vocabulary.learn(lambda: lexicon_words(published), lambda: title_words(published))
        )
    if change in (domain.PUBLISHED, domain.MOVED, domain.PRIVACY):
        # The words a reader may type in pinyin, for every process (a table): once the change
        # is kept, and never at the cost of the change or its indexing.
        transaction.on_commit(lambda: text_words.learn(case_ids), robust=True)
    if change in (domain.PUBLISHED, domain.MOVED, domain.PRIVACY, domain.UNPUBLISHED):
        # What the cases say, for a search by meaning: as they say it now, public cases only.
        transaction.on_commit(lambda: meanings.learn(case_ids), robust=True)
    if change == domain.DELETED:
        transaction.on_commit(meanings.forget_deleted, robust=True)
    engine().index(case_ids)


def vocabulary_changed(sender, term, case_ids, **kwargs):
    add_words(place_words(term.name) if sender is Region else [term.name])
    if sender is Region and term.pk is not None:  # saved, not deleted
        # A place is spelled in pinyin too (xunwu): the lexicon holds every region, new ones as well.
        transaction.on_commit(lambda: vocabulary.learn_new(lambda: place_words(term.name)))
    vocabulary.reset_terms()  # terms and aliases are read afresh when next needed (and learnt)
    # Cases carry their terms' names in the index: a renamed term must reach them.
    engine().index(case_ids)


def connect():
    domain.cases_changed.connect(cases_changed, dispatch_uid="search-cases-changed")
    domain.vocabulary_changed.connect(vocabulary_changed, dispatch_uid="search-vocabulary-changed")
