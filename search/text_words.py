"""The words the published cases' texts use, kept by their pinyin, so that a reader may type any
of them in pinyin (mihoutao → 猕猴桃), not only the names and titles' words the lexicon holds.

A table, read a word at a time, not the lexicon in memory: a library's texts hold far more
words than each process should read at its first search. Learnt as cases are published (add-only:
a word an unpublished case alone used stays until the next count), and counted afresh by
`search_index --rebuild` and after a restore.
"""

from collections import Counter

from django.db import transaction

from cases.models import CasePage

from .models import MAX_WORD_LENGTH, TextWord
from .text import vocabulary

CHUNK_SIZE = 500


def _published():
    return CasePage.objects.live().public().only("title", "summary", "body").order_by("pk")


def _words(case):
    """The words of two or more Chinese characters a case's texts use, each once."""
    texts = [case.title, case.summary, case.body_text()]
    return {word for word in vocabulary.spelled_words(texts) if len(word) <= MAX_WORD_LENGTH}


def _counted(cases):
    counted = Counter()
    for case in cases.iterator(chunk_size=CHUNK_SIZE):
        counted.update(_words(case))
    return counted


def _rows(counted):
    return [TextWord(word=word, pinyin=vocabulary.pinyin_of(word), cases=count) for word, count in counted.items()]


def learn(case_ids):
    """Add the words the published ones of `case_ids` use that are not known yet."""
    counted = _counted(_published().filter(pk__in=case_ids))
    TextWord.objects.bulk_create(_rows(counted), batch_size=CHUNK_SIZE, ignore_conflicts=True)


def rebuild():
    """Count the words of every published case afresh; how many there are."""
    counted = _counted(_published())
    with transaction.atomic():
        TextWord.objects.all().delete()
        TextWord.objects.bulk_create(_rows(counted), batch_size=CHUNK_SIZE)
    return len(counted)


def spelled(letters):
    """The word of the cases' texts `letters` spells in full pinyin (the one most cases use), or None."""
    return TextWord.objects.filter(pinyin=letters).order_by("-cases", "word").values_list("word", flat=True).first()
