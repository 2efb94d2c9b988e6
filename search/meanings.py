"""Search by meaning: the published cases' sentences as the model reads them (search.text.meaning),
and the cases whose sentences lie closest to what a reader typed.

Asked only when the search by words finds nothing (search.case_search): a reader's 要占几户人家的
果树和田，赔偿一直谈不拢 shares no word with 兴山's 却因“赔树还田”搁浅, but means it. A sentence must lie
at least CLOSE_ENOUGH to the query to count: below that, a search by meaning lists the nearest
cases whatever was asked, and a question no case answers should get no answer.

Sentences are learnt afresh as cases are published, unpublished, moved, deleted or made private
or public (search.signals), and all of them by `search_index --rebuild`; each sentence's vector
is computed once, whichever cases say it, and kept by a rebuild while a case still says it.
Matching is exact, over every sentence's vector in memory: README ("How cadres ask", 7) says how
far that goes.
"""

import logging
import threading
from contextlib import nullcontext
from dataclasses import dataclass

import numpy as np
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, Count, Exists, F, FloatField, OuterRef, Q, Subquery, Value, When, Window
from django.db.models.functions import Coalesce, RowNumber

from cases import changes
from cases.models import CasePage

from .models import CaseSentence, SentenceMeaning
from .text import meaning, to_simplified

# The similarity (cosine) a case's sentence needs to answer a query by meaning: the lowest at
# which none of the judged questions that no seed case answers (tests/search/situations*.yaml) is
# answered by meaning. Lower answers more sentences in everyday words, and those questions too.
CLOSE_ENOUGH = 0.65
MAX_CASES = 10
# When no sentence is close enough, the few nearest cases down to MAYBE_CLOSE are still offered
# beside the empty answer, each with its nearest sentence for the reader to judge: below
# CLOSE_ENOUGH lie most answers in everyday words (a reader's 打工 for a case's 外出务工) and the
# nearest sentences of the questions no case answers alike, which only a reader can tell apart.
MAYBE_CLOSE = 0.55
MAYBE_CASES = 3
# The closest sentences read before their cases are: enough for a page of cases, unless the
# page's filters leave out the cases saying them; then WIDER times as many again, up to
# SENTENCES_MOST. Each sentence is nine parameters of the query that reads their cases: 1,600
# stay well inside SQLite's 32,766.
SENTENCES_READ = 200
WIDER = 4
SENTENCES_MOST = 1600
# Of the first read, the closest first until as many cases say them as this: a few for each
# case listed.
ROWS_ENOUGH = 20 * MAX_CASES
CHUNK_SIZE = 500
# Cases learnt a transaction at a time: a library moved may name thousands.
LEARN_CHUNK = 100
BY_MEANING_NOTE = "按词语没有找到案例。以下案例中有与您所说意思相近的句子（已标出），按相近程度排列。"

logger = logging.getLogger(__name__)
_matrix_lock = threading.Lock()
_matrix = {"read": None, "fresh": False}  # read: Sentences, False for none, None for not read


@dataclass(frozen=True)
class Close:
    case: CasePage
    sentence: str
    similarity: float


def _case_sentences(case):
    return meaning.sentences("\n".join([case.title, case.summary, case.body_text()]))


def learn(case_ids):
    """The sentences of `case_ids` afresh: a published one's as it says them now, none for the
    rest (none at all without the model: what a case no longer says is never quoted). Journalled
    unless no case said anything before or after (a case too short to say a sentence)."""
    model = meaning.model()
    changed = False
    for start in range(0, len(case_ids), LEARN_CHUNK):
        chunk = case_ids[start : start + LEARN_CHUNK]
        _read_chunk(model, chunk)
        try:
            changed = _learn_chunk(model, chunk) or changed
        except IntegrityError:
            # Another process learning other cases dropped, as no case said it when it looked,
            # a sentence these rows name: PostgreSQL checks them when this outermost transaction
            # (learn runs once the publish committed) commits. Read and learnt again, the
            # sentence's vector is kept anew; a second failure is the caller's to log.
            logger.info("案例 %s 的句子语义重新读出：另一进程同时删去了其中的句子", chunk)
            _read_chunk(model, chunk)
            changed = _learn_chunk(model, chunk) or changed
    if changed:
        _told()


def _read_chunk(model, chunk):
    """The vectors of the sentences of the cases `chunk` that this model never read, computed
    outside any transaction: the model's time holds no lock."""
    if model is not None:
        for said in _said(CasePage.objects.visible().filter(pk__in=chunk)):
            _read(model, said)


def _learn_chunk(model, chunk):
    """The sentences of the cases `chunk` afresh, in one transaction: whether any said some
    before or after."""
    with transaction.atomic():
        # Each case read again here, and locked: a publish of the same case committed while
        # the model ran is not overwritten by the text read before it.
        list(CasePage.objects.select_for_update().filter(pk__in=chunk).values_list("pk", flat=True))
        said_before = CaseSentence.objects.filter(case_id__in=chunk)
        old = list(said_before.values_list("meaning_id", flat=True).distinct())
        said_before.delete()
        if model is not None:
            for said in _said(CasePage.objects.visible().filter(pk__in=chunk)):
                _write(model, said)
        now = list(CaseSentence.objects.filter(case_id__in=chunk).values_list("meaning_id", flat=True))
        _tidy([*old, *now])
        return bool(old or now)


def forget_deleted():
    """After cases were deleted (their rows went with them): drop the vectors of sentences no
    case says any more and count afresh how many cases say the others."""
    with transaction.atomic():
        _tidy_all()
    _told()


def rebuild():
    """Every published case's sentences afresh, a vector computed only for a sentence this model
    never read before; how many sentences the cases say (None without the model). The caller
    journals the change once it has rebuilt all it rebuilds (search_index, a restore)."""
    model = meaning.model()
    if model is None:
        return None
    for said in _said(CasePage.objects.visible()):
        _read(model, said)  # first, outside the transaction that swaps the rows (but a restore's)
    with transaction.atomic():
        CaseSentence.objects.all().delete()
        for said in _said(CasePage.objects.visible()):
            _write(model, said)
        _tidy_all()
    forget()
    return CaseSentence.objects.count()


def catch_up():
    """Learn afresh the cases whose sentences are out of step with what they show (a learning
    that failed after a publish: logged, not fatal to it): (how many were learnt, how many
    failed again, logged), LEARN_CHUNK cases at a time, so that one case the model cannot read
    holds up only its own chunk. Nothing without the model: every case would be. A case saying
    no sentence long enough has no row to show it was read, and is read again at each catch-up
    (journalling nothing)."""
    if meaning.model() is None:
        return 0, 0
    visible = CasePage.objects.visible()
    said = CaseSentence.objects.filter(case_id=OuterRef("pk"))
    read_from_live = Exists(said.filter(revision=OuterRef("live_revision_id")))
    # A page made live without a revision (written in bulk, as the bench's are) has none to
    # compare: read once is read.
    read_without_one = Q(live_revision__isnull=True) & Exists(said)
    behind = visible.exclude(read_from_live).exclude(read_without_one).values_list("pk", flat=True)
    hidden = CaseSentence.objects.exclude(case_id__in=visible.values("pk")).values_list("case_id", flat=True)
    case_ids = sorted({*behind, *hidden.distinct()})
    learnt = failed = 0
    for start in range(0, len(case_ids), LEARN_CHUNK):
        chunk = case_ids[start : start + LEARN_CHUNK]
        try:
            learn(chunk)
        except Exception:  # noqa: BLE001 - the other chunks are still learnt; the next catch-up retries
            logger.exception("案例 %s 的句子语义未能重新读出", chunk)
            failed += len(chunk)
        else:
            learnt += len(chunk)
    return learnt, failed


def _told():
    """This process reads the sentences afresh, and the change journal tells the others to."""
    # Learnt after the change's own entry was committed: another process that read that one
    # may have read the sentences before these. SITE: the public sees other answers now.
    changes.record(changes.ContentChange.SITE)
    forget()


def _said(cases):
    """(case id, its live revision's id, its sentences) of `cases`, CHUNK_SIZE cases at a time."""
    chunk = []
    fields = ("title", "summary", "body", "live_revision_id")
    for case in cases.order_by("pk").only(*fields).iterator(chunk_size=CHUNK_SIZE):
        chunk.append((case.pk, case.live_revision_id, _case_sentences(case)))
        if len(chunk) == CHUNK_SIZE:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _read(model, said):
    """{digest: id} of the sentences `said` (as _said gives them), a vector computed and kept
    for each this model never read before."""
    texts = {model.digest(sentence): sentence for _, _, sentences in said for sentence in sentences}
    known = _known(texts)
    new = [(d, text) for d, text in texts.items() if d not in known]
    if not new:
        return known
    vectors = model.vectors([text for _, text in new])
    SentenceMeaning.objects.bulk_create(
        [SentenceMeaning(digest=d, model=model.identity, vector=v.tobytes()) for (d, _), v in zip(new, vectors)],
        batch_size=CHUNK_SIZE,
        ignore_conflicts=True,
    )
    return _known(texts)


def _write(model, said):
    """The case sentence rows of the sentences `said` (as _said gives them)."""
    known = _read(model, said)  # each vector computed before the transaction, but a changed case's
    CaseSentence.objects.bulk_create(
        [
            CaseSentence(
                case_id=pk,
                position=position,
                text=sentence,
                meaning_id=known[model.digest(sentence)],
                revision=revision,
            )
            for pk, revision, sentences in said
            for position, sentence in enumerate(sentences)
        ],
        batch_size=CHUNK_SIZE,
    )


def _pieces(values):
    values = list(values)
    return [values[start : start + CHUNK_SIZE] for start in range(0, len(values), CHUNK_SIZE)]


def _known(digests):
    """{digest: id} of those of `digests` already read, a bounded number of them a query."""
    found = {}
    for piece in _pieces(digests):
        found.update(SentenceMeaning.objects.filter(digest__in=piece).values_list("digest", "pk"))
    return found


def _tidy(meaning_ids):
    """Of the sentences `meaning_ids`, drop those no case says any more (the search by meaning
    holds public text only) and count afresh how many cases say the others."""
    for piece in _pieces(set(meaning_ids)):
        still_said = CaseSentence.objects.filter(meaning_id__in=piece).values("meaning_id")
        _drop(SentenceMeaning.objects.filter(pk__in=piece).exclude(pk__in=still_said))
        _count_cases(SentenceMeaning.objects.filter(pk__in=piece))


def _tidy_all():
    """_tidy for every sentence, a statement for each step rather than a piece at a time."""
    _drop(SentenceMeaning.objects.exclude(pk__in=CaseSentence.objects.values("meaning_id")))
    _count_cases(SentenceMeaning.objects.all())


def _drop(sentences):
    # Only the ids: the rows are read to delete them (what they cascade to), vectors and all.
    sentences.only("pk").delete()


def _count_cases(sentences):
    """How many cases say each of `sentences` (a queryset), counted afresh; only the rows whose
    count changed are written (a delete recounts them all)."""
    saying = CaseSentence.objects.filter(meaning=OuterRef("pk")).values("meaning").annotate(n=Count("pk")).values("n")
    counted = Coalesce(Subquery(saying), 0)
    sentences.annotate(now=counted).exclude(cases=F("now")).update(cases=counted)


def forget(keep=True):
    """Read the sentences afresh at the next search by meaning: this process changed them, or
    the change journal says another did (search.known_words). With `keep`, only the vectors of
    sentences new since are read; the others are kept (a sentence's vector never changes)."""
    with _matrix_lock:
        _matrix.update(fresh=False)
        if not keep:
            _matrix.update(read=None)


@dataclass(frozen=True)
class Sentences:
    """Every sentence as this process holds it: ids, digests, unit vectors (a row each) and
    how many cases say each, in the order of their ids."""

    ids: np.ndarray
    digests: np.ndarray
    vectors: np.ndarray
    cases: np.ndarray


def all_vectors(model):
    """Every sentence `model` read, read once until forgotten (None while there is none)."""
    with _matrix_lock:
        if not _matrix["fresh"]:
            held = _matrix["read"]
            _matrix["read"] = _read_again(model, held) if held else _read_all(model)
            _matrix["fresh"] = True
        return _matrix["read"] or None


def _mine(model):
    return SentenceMeaning.objects.filter(model=model.identity).order_by("pk")


def _read_all(model):
    ids, digests, vectors, cases = [], [], [], []
    rows = _mine(model).values_list("pk", "digest", "vector", "cases")
    for pk, digest, vector, count in rows.iterator(chunk_size=CHUNK_SIZE):
        ids.append(pk)
        digests.append(digest)
        vectors.append(_vector(vector))
        cases.append(count)
    return Sentences(np.array(ids), _digests(digests), np.vstack(vectors), np.array(cases)) if ids else False


def _digests(digests):
    return np.array(digests, dtype="S40")  # hex: a byte a character, not four


def _read_again(model, held):
    """The sentences as they are now, the vectors of those `held` already taken from it: ids
    and counts are read for all, vectors only for the new (a new id, or an id now naming
    another sentence: rows rolled back can leave theirs to the next)."""
    rows = list(_mine(model).values_list("pk", "digest", "cases").iterator(chunk_size=10 * CHUNK_SIZE))
    if not rows:
        return False
    ids, digests, cases = zip(*rows)
    ids, digests, cases = np.array(ids), _digests(digests), np.array(cases)
    at = np.minimum(np.searchsorted(held.ids, ids), len(held.ids) - 1)
    kept = (held.ids[at] == ids) & (held.digests[at] == digests)
    if kept.sum() < len(ids) / 2:
        return _read_all(model)  # mostly new (a rebuild): one pass reads them faster
    vectors = np.empty((len(ids), held.vectors.shape[1]), dtype=np.float32)
    vectors[kept] = held.vectors[at[kept]]
    new = ids[~kept].tolist()
    if new:
        read = _vectors_of(model, new)
        if len(read) < len(new):
            return _read_all(model)  # some deleted meanwhile
        vectors[~kept] = np.vstack([read[pk] for pk in new])
    return Sentences(ids, digests, vectors, cases)


def _vectors_of(model, ids):
    """{id: vector} of the sentences `ids` still there."""
    read = {}
    for piece in _pieces(ids):
        for pk, vector in _mine(model).filter(pk__in=piece).values_list("pk", "vector"):
            read[pk] = _vector(vector)
    return read


def _vector(stored):
    return np.frombuffer(bytes(stored), dtype=np.float32)


def _widening(sentences, similarity, at_least):
    """Ever more of the sentences at least `at_least` similar, closest first, until all are (or
    SENTENCES_MOST): each to be read in turn while their cases are too few for a page."""
    read = SENTENCES_READ
    while True:
        nearest = np.argpartition(-similarity, min(read, len(similarity)) - 1)[:read]
        order = [i for i in nearest[np.argsort(-similarity[nearest])] if similarity[i] >= at_least]
        if read == SENTENCES_READ:
            # At first only as many as enough cases say: a sentence thousands of cases share
            # would have them all ranked.
            enough = int(np.searchsorted(np.cumsum(sentences.cases[order]), ROWS_ENOUGH)) + 1
            if enough < len(order):
                yield order[:enough]
        if order:
            yield order
        if len(order) < read or read >= SENTENCES_MOST:
            return
        read = min(read * WIDER, SENTENCES_MOST)


def _cases_saying(order, sentences, similarity, cases):
    """[Close] for the cases of `cases` that say the sentences `order` indexes, each by the
    closest it says, the closest first: one query, each case ranked on its light rows before
    it is read as a listing card shows it."""
    near = {int(sentences.ids[i]): float(similarity[i]) for i in order}
    closeness = Case(*[When(meaning_id=pk, then=Value(value)) for pk, value in near.items()], output_field=FloatField())
    closest_first = [F("similarity").desc(), F("position").asc()]
    chosen = (
        CaseSentence.objects.filter(meaning_id__in=list(near))
        # Checked row by row: listing every case the filters let through costs more at 100,000.
        .filter(Exists(cases.filter(pk=OuterRef("case_id"))))
        .annotate(similarity=closeness)
        .annotate(rank=Window(RowNumber(), partition_by=F("case_id"), order_by=closest_first))
        .filter(rank=1)
        .order_by("-similarity", "case_id")
        .values("pk")[:MAX_CASES]
    )
    rows = (
        CaseSentence.objects.filter(pk__in=chosen)
        .annotate(similarity=closeness)
        .order_by("-similarity", "case_id")
        .select_related("case", "case__region", "case__domain")
        .defer("case__source_text")
    )
    return [Close(row.case, row.text, row.similarity) for row in rows]


def closest(text, cases, at_least=None):
    """The cases of the queryset `cases` that say something meaning what `text` asks (read in
    Simplified characters, its punctuation as typed, as CLOSE_ENOUGH was set), a sentence at
    least `at_least` similar (CLOSE_ENOUGH unless said), closest first: at most MAX_CASES, each
    with its closest sentence; below CLOSE_ENOUGH, MAYBE_CASES are enough. [] without the model,
    or where it or the tables fail (a deployment not yet migrated), so that a search never
    fails for it."""
    at_least = CLOSE_ENOUGH if at_least is None else at_least
    model = meaning.model()
    if model is None or not text.strip():
        return []
    try:
        # A savepoint inside a transaction, so that a failed read cannot spoil it (PostgreSQL).
        with transaction.atomic() if connection.in_atomic_block else nullcontext():
            sentences = all_vectors(model)
            if sentences is None:
                return []
            # In float64, as a Close's similarity is: CLOSE_ENOUGH then means the same here and there.
            similarity = (sentences.vectors @ model.query_vector(to_simplified(text))).astype(np.float64)
            found = []
            for order in _widening(sentences, similarity, at_least):
                found = _cases_saying(order, sentences, similarity, cases)
                # Once the sentences read reach below CLOSE_ENOUGH (closest first), every case
                # close enough is found, and a few more are all that is offered beside them.
                settled = similarity[order[-1]] < CLOSE_ENOUGH and len(found) >= MAYBE_CASES
                if len(found) >= MAX_CASES or settled:
                    break
            return found
    except Exception:  # noqa: BLE001 - the words' answer stands; logged for who runs the site
        logger.exception("search by meaning failed")
        return []


def answer_or_maybe(text, cases):
    """(the cases of `cases` that answer `text` by meaning, as `closest`; else [] and the
    MAYBE_CASES nearest down to MAYBE_CLOSE, possibly related), in one reading of the sentences:
    the closest sentences come first whatever the floor, so those close enough are the same."""
    near = closest(text, cases, at_least=MAYBE_CLOSE)
    close = [found for found in near if found.similarity >= CLOSE_ENOUGH]
    return (close, []) if close else ([], near[:MAYBE_CASES])
