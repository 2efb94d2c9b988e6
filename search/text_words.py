"""The words the published cases' texts use, kept by their pinyin, so that a reader may type any
of them in pinyin (yiyantang → 一言堂), not only the names and titles' words the lexicon holds.

A table, asked once a run of letters, not the lexicon in memory: a library's texts hold far
more words than each process should read at its first search. Learnt as cases are published,
moved or made public (add-only: a word an unpublished case alone used stays, and counts stay
as first learnt, until the next count), and counted afresh by `search_index --rebuild` and
after a restore. A publish while a rebuild counts may lose its new words until the next count.
"""

from collections import Counter
from contextlib import nullcontext

from django.db import DatabaseError, connection, transaction

from cases.fingerprints import body_text
from cases.models import CasePage

from .models import MAX_WORD_LENGTH, TextWord
from .text import vocabulary

CHUNK_SIZE = 500


def _counted(cases):
    """How many of `cases` use each word of two or more Chinese characters in their title,
    summary or body (read raw: turning each body into blocks cost a quarter of the time)."""
    counted = Counter()
    for title, summary, body in cases.values_list("title", "summary", "body").iterator(chunk_size=CHUNK_SIZE):
        text = "\n".join([title, summary, body_text(body.raw_data)])
        counted.update(word for word in vocabulary.words_spelled_in(text) if len(word) <= MAX_WORD_LENGTH)
    return counted


def _rows(counted):
    return [TextWord(word=word, pinyin=vocabulary.pinyin_of(word), cases=count) for word, count in counted.items()]


def learn(case_ids):
    """Add the words the published ones of `case_ids` use that are not known yet."""
    counted = _counted(CasePage.objects.visible().filter(pk__in=case_ids))
    TextWord.objects.bulk_create(_rows(counted), batch_size=CHUNK_SIZE, ignore_conflicts=True)


def rebuild():
    """Count the words of every published case afresh; how many there are."""
    counted = _counted(CasePage.objects.visible())
    with transaction.atomic():
        TextWord.objects.all().delete()
        TextWord.objects.bulk_create(_rows(counted), batch_size=CHUNK_SIZE)
    return len(counted)


def spelled(spellings):
    """{spelling: word} for those of the pinyin `spellings` a word of the cases' texts spells in
    full (the one most cases use), in one query; {} where the table cannot be read (a deployment
    not yet migrated), so that a search never fails for it."""
    found = {}
    rows = TextWord.objects.filter(pinyin__in=list(spellings)).order_by("pinyin", "-cases", "word")
    try:
        # A savepoint inside a transaction, so that a failed read cannot spoil it (PostgreSQL).
        with transaction.atomic() if connection.in_atomic_block else nullcontext():
            for spelling, word in rows.values_list("pinyin", "word"):
                found.setdefault(spelling, word)
    except DatabaseError:
        return {}
    return found
