"""Full-text queries on the case index (index.py): the matching cases, and their rank order.

FTS5 MATCH on SQLite, a tsquery @@ on PostgreSQL, with no filters (the catalogue applies them
in memory); only the ids come back. Query words are pipeline terms (letters and digits only),
so no query syntax can reach the database from what a reader typed.
"""

import json

import numpy as np
from django.db import connection

from search.text import word_parts

from .case_sets import CaseSet
from .catalogue import catalogue
from .index import FTS_TABLE, PG_TABLE

# The headline slot's weight over the body's, in bm25 (SQLite) and ts_rank (PostgreSQL) alike.
TITLE_WEIGHT = 5.0
# ts_rank's weights of the D, C, B and A labels: the body is stored as D, the headline as A.
PG_WEIGHTS = [1.0 / TITLE_WEIGHT] * 3 + [1.0]


def _sqlite_expression(words, whole_words):
    def phrase(word):
        return '"' + word.replace('"', '""') + '"'

    def word_expression(word):
        parts = [] if whole_words else word_parts(word)
        if not parts:
            return phrase(word)
        return f"({phrase(word)} OR ({' AND '.join(phrase(part) for part in parts)}))"

    return " AND ".join(word_expression(word) for word in words)


def _sqlite_match(words, title_only=False, whole_words=False):
    columns = "{headline}" if title_only else "{headline body}"
    return f"{columns} : ({_sqlite_expression(words, whole_words)})"


def _sqlite_ids(words, title_only, whole_words):
    with connection.cursor() as cursor:
        # One string, not a row per match: fetching ten thousand rows cost more than the MATCH.
        cursor.execute(
            f"SELECT group_concat(rowid) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",
            [_sqlite_match(words, title_only, whole_words)],
        )
        (found,) = cursor.fetchone()
    if not found:
        return CaseSet()
    return CaseSet.of(np.fromstring(found, dtype=np.int64, sep=","))


def _sqlite_ranked(words, among, any_word, whole=()):
    """`whole`: words to score as written, not through their parts (any-word rankings only)."""
    if any_word:
        match = " OR ".join(f"({_sqlite_match([word], whole_words=word in whole)})" for word in words)
    else:
        match = _sqlite_match(words)
    with connection.cursor() as cursor:
        # "+rowid": a plain rowid IN made SQLite run the whole MATCH once per listed case.
        cursor.execute(
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "
            f"AND +rowid IN (SELECT value FROM json_each(%s)) "
            f"ORDER BY bm25({FTS_TABLE}, {TITLE_WEIGHT}, 1.0), rowid",
            [match, json.dumps(among.pks().tolist())],
        )
        return [pk for (pk,) in cursor.fetchall()]


def _postgres_expression(words, whole_words, any_word=False):
    """A tsquery built in SQL from parameters, so no quoting is done by hand."""
    sql, params = [], []
    for word in words:
        parts = [] if whole_words else word_parts(word)
        if parts:
            sql.append(
                "(plainto_tsquery('simple', %s) || ("
                + " && ".join("plainto_tsquery('simple', %s)" for _ in parts)
                + "))"
            )
            params += [word, *parts]
        else:
            sql.append("plainto_tsquery('simple', %s)")
            params.append(word)
    return (" || " if any_word else " && ").join(sql), params


def _postgres_select(words, title_only=False, whole_words=False, any_word=False):
    expression, params = _postgres_expression(words, whole_words, any_word)
    vector = "i.headline" if title_only else "(i.headline || i.body)"
    select = f"SELECT i.case_id FROM {PG_TABLE} i, (SELECT {expression} AS q) query WHERE {vector} @@ query.q"
    return select, params, vector


def _postgres_ids(words, title_only, whole_words):
    select, params, _ = _postgres_select(words, title_only, whole_words)
    with connection.cursor() as cursor:
        cursor.execute(select, params)
        return CaseSet.of(case_id for (case_id,) in cursor.fetchall())


def _postgres_ranked(words, among, any_word):
    select, params, vector = _postgres_select(words, any_word=any_word)
    with connection.cursor() as cursor:
        cursor.execute(
            f"{select} AND i.case_id = ANY(%s) ORDER BY ts_rank(%s::float4[], {vector}, query.q) DESC, i.case_id",
            [*params, among.pks().tolist(), PG_WEIGHTS],
        )
        return [case_id for (case_id,) in cursor.fetchall()]


def matching_cases(words, *, title_only=False, whole_words=False):
    """The cases holding every word (a CaseSet): the published ones, as the index holds.

    A word with smaller indexed parts (a compound) also matches where all its parts occur,
    unless `whole_words`; `title_only` looks in the index's headline slot only.
    """
    if not words:
        return CaseSet()
    if connection.vendor == "sqlite":
        return _sqlite_ids(words, title_only, whole_words)
    return _postgres_ids(words, title_only, whole_words)


def worth_ranking(matches):
    """Whether `matches` matching cases tell apart by relevance: not when they are half the
    index or more (callers list those newest first).

    Every word the query requires then occurs in at least half of the index, where bm25's idf
    is 0 or less (FTS5 sets it to 1e-6): how often such a word occurs says nothing of which
    case is about it, and scoring each of ten thousand matches costs four times finding them.
    The index holds the published cases, as many as the catalogue shows.
    """
    return matches >= 2 and matches * 2 < len(catalogue().shown)


def relevance_ranking(words, any_word=False, counts=None):
    """The rank function for RankedIds: a tier's case pks, best first by relevance, scored once
    a page reaches the tier. `counts`: how many cases some of the words match, where known."""
    return lambda tier: relevance_order(words, tier, any_word, counts)


def relevance_order(words, among, any_word=False, counts=None):
    """The case pks in `among` (a CaseSet) that match `words` (any one of them if `any_word`),
    best first by the index's relevance (bm25, ts_rank). Only those are scored: a page's tier,
    not every match. `counts`: how many cases some of the words match, where known."""
    if not words or not among:
        return []
    if connection.vendor != "sqlite":
        return _postgres_ranked(words, among, any_word)
    common = _common(words, counts or {}) if any_word else set()
    # A common compound is scored as written, for its phrase may still be rare; its parts are
    # in every case holding it (as the index is written), so as common, and weigh nothing.
    words = [word for word in words if not (word in common and not word_parts(word))]
    return _sqlite_ranked(words, among, any_word, whole=common) if words else []


def ranks_by_idf():
    """Whether the ranking gives a word in half the cases or more no weight, so that knowing
    each word's count pays: FTS5's bm25 does, PostgreSQL's ts_rank has no idf."""
    return connection.vendor == "sqlite"


def _common(words, counts):
    """Of the words whose count is known, those in half of the index's cases or more: bm25's idf,
    log((N - n + 0.5) / (n + 0.5)), is then not above 0, and FTS5 sets it to 1e-6. Left out of an
    any-word ranking, such a word changes only the order of near ties and of the cases holding
    nothing else (last, newest first); left in, FTS5 reads its long posting list over the whole index."""
    half = len(catalogue().shown) / 2
    return {word for word in words if counts.get(word, 0) >= half}
