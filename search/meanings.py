"""Search by meaning: the published cases' sentences as the model reads them (search.text.meaning),
and the cases whose sentences lie closest to what a reader typed.

Asked only when no case holds the query's words (search.case_search): a reader's 老百姓对村干部有
怨气 shares no word with a case that says 群众意见大, but means what it says. A sentence must lie
at least CLOSE_ENOUGH to the query to count: below that, a search by meaning lists the nearest
cases whatever was asked, and a question no case answers should get no answer.

Sentences are learnt as cases are published, moved or made public (search.signals) and afresh
by `search_index --rebuild`; each sentence's vector is computed once, whichever cases say it.
Matching is exact, over every sentence's vector in memory: README "Search by meaning" says how
far that goes.
"""

import threading
from contextlib import nullcontext
from dataclasses import dataclass

import numpy as np
from django.db import DatabaseError, connection, transaction

from cases.models import CasePage

from .models import CaseSentence, SentenceMeaning
from .text import meaning

# The similarity (cosine) a case's sentence needs to answer a query by meaning: the lowest at
# which none of the judged questions that no seed case answers (tests/search/situations*.yaml) is
# answered by meaning. Lower answers more sentences in everyday words, and those questions too.
CLOSE_ENOUGH = 0.65
# The closest sentences read before their cases are: enough for a page of cases.
SENTENCES_READ = 200
MAX_CASES = 10
CHUNK_SIZE = 500
BY_MEANING_NOTE = "没有案例含有这些词语。以下案例中有与您所说意思相近的句子（已标出），按相近程度排列。"

_computed = {}  # digest → vector, for the process: seeds and repeated sentences are embedded once
_MAX_COMPUTED = 20000
_matrix_lock = threading.Lock()
_matrix = {"digests": None, "vectors": None}


@dataclass(frozen=True)
class Close:
    case: CasePage
    sentence: str
    similarity: float


def _published():
    return CasePage.objects.live().public()


def _case_sentences(case):
    return meaning.sentences("\n".join([case.title, case.summary, case.body_text()]))


def _vectors(model, digests_texts):
    """{digest: vector bytes} for (digest, sentence) pairs, computing only those not seen yet."""
    missing = [(d, text) for d, text in digests_texts if d not in _computed]
    if missing:
        for (d, _), vector in zip(missing, model.vectors([text for _, text in missing])):
            if len(_computed) >= _MAX_COMPUTED:
                _computed.clear()
            _computed[d] = vector.tobytes()
    return {d: _computed[d] for d, _ in digests_texts}


def learn(case_ids):
    """The sentences of `case_ids` afresh: a published one's as it says them now, none for the rest."""
    model = meaning.model()
    if model is None:
        return
    said_before = CaseSentence.objects.filter(case_id__in=case_ids)
    old = set(said_before.values_list("meaning_id", flat=True))
    said_before.delete()
    _add(model, _published().filter(pk__in=case_ids))
    # What no case says any more: the search by meaning holds public text only.
    still_said = CaseSentence.objects.filter(meaning_id__in=old).values("meaning_id")
    SentenceMeaning.objects.filter(pk__in=old).exclude(pk__in=still_said).delete()
    forget()


def _add(model, cases):
    for case in cases.iterator(chunk_size=CHUNK_SIZE):
        said = [(meaning.digest(sentence), sentence) for sentence in _case_sentences(case)]
        known = dict(SentenceMeaning.objects.filter(digest__in=[d for d, _ in said]).values_list("digest", "pk"))
        new = [(d, text) for d, text in dict(said).items() if d not in known]
        if new:
            vectors = _vectors(model, new)
            SentenceMeaning.objects.bulk_create(
                [SentenceMeaning(digest=d, vector=vectors[d]) for d, _ in new], ignore_conflicts=True
            )
            known = dict(SentenceMeaning.objects.filter(digest__in=[d for d, _ in said]).values_list("digest", "pk"))
        CaseSentence.objects.bulk_create(
            [
                CaseSentence(case=case, position=position, text=text, meaning_id=known[d])
                for position, (d, text) in enumerate(said)
            ],
            batch_size=CHUNK_SIZE,
        )


def rebuild():
    """Every published case's sentences afresh; how many sentences there are (None without the model)."""
    model = meaning.model()
    if model is None:
        return None
    with transaction.atomic():
        CaseSentence.objects.all().delete()
        SentenceMeaning.objects.all().delete()
        _add(model, _published().order_by("pk"))
    forget()
    return CaseSentence.objects.count()


def forget():
    """Read the sentences' vectors afresh at the next search by meaning: this process changed
    them, or the change journal says another did (search.known_words)."""
    with _matrix_lock:
        _matrix.update(digests=None, vectors=None)


def _all_vectors():
    """(digests, vectors) of every sentence, read once until forgotten. By digest: a sentence's
    vector never changes, so a matrix read just before a change misleads nobody."""
    with _matrix_lock:
        if _matrix["digests"] is None:
            digests, vectors = [], []
            rows = SentenceMeaning.objects.values_list("digest", "vector").iterator(chunk_size=CHUNK_SIZE)
            for d, vector in rows:
                digests.append(d)
                vectors.append(np.frombuffer(bytes(vector), dtype=np.float32))
            _matrix.update(digests=digests, vectors=np.vstack(vectors) if vectors else None)
        return _matrix["digests"], _matrix["vectors"]


def closest(text, cases):
    """The cases of the queryset `cases` that say something meaning what `text` asks, closest
    first: at most MAX_CASES, each with its closest sentence. [] without the model, or where the
    tables cannot be read (a deployment not yet migrated), so that a search never fails for it."""
    model = meaning.model()
    if model is None or not text.strip():
        return []
    try:
        # A savepoint inside a transaction, so that a failed read cannot spoil it (PostgreSQL).
        with transaction.atomic() if connection.in_atomic_block else nullcontext():
            digests, vectors = _all_vectors()
            if vectors is None:
                return []
            similarity = vectors @ model.query_vector(text)
            nearest = np.argpartition(-similarity, min(SENTENCES_READ, len(similarity)) - 1)[:SENTENCES_READ]
            order = nearest[np.argsort(-similarity[nearest])]
            near = {digests[i]: float(similarity[i]) for i in order if similarity[i] >= CLOSE_ENOUGH}
            if not near:
                return []
            # The cases read with their sentences, as a listing card shows them: one query.
            rows = (
                CaseSentence.objects.filter(meaning__digest__in=list(near), case__in=cases.values("pk"))
                .select_related("case", "case__region", "case__domain", "meaning")
                .defer("case__source_text", "meaning__vector")
            )
            best = {}
            for row in rows:
                found = Close(row.case, row.text, near[row.meaning.digest])
                if row.case_id not in best or found.similarity > best[row.case_id].similarity:
                    best[row.case_id] = found
    except DatabaseError:
        return []
    return sorted(best.values(), key=lambda close: (-close.similarity, close.case.pk))[:MAX_CASES]
