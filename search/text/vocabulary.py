"""What a text names: the vocabularies' terms and their aliases, and the domain's words by
their pinyin, homophones and near misses.

Like the segmenter's dictionary, what it knows is handed in at start-up (search.apps) as
functions read when first needed, and dropped (`reset`) whenever a term, an alias or a published
name changes; it imports nothing of the project.
"""

import bisect
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from pypinyin import Style, lazy_pinyin, pinyin
from pypinyin.constants import PHRASES_DICT
from pypinyin.pinyin_dict import pinyin_dict

from .pipeline import compact, fold, numbered_spans, segmenter, to_simplified, word_parts

# Initials this short name too many words (dy: 党员, 调研, 带有 …): not read as pinyin.
MIN_INITIALS = 3
# Letters a pinyin prefix needs before it is completed: fewer begin too many words.
MIN_PREFIX = 4
# A place's name is also spelled in its characters' other readings (于都: yudou as pypinyin reads
# it, and yudu), unless they make more spellings than this. Only a place's: other words would be
# read in archaic readings too (yidi → 失地, where 易地 was typed).
MAX_OTHER_READINGS = 16
_PLACE_NAME = re.compile(r"(省|市|县|区|旗|州|盟|镇|乡|村|街道)$")
# A homophone shorter than this is as likely another word as a slip (公式/公示), unless typed alone.
MIN_HOMOPHONE = 3
# A one-character slip (精神文朋 for 精神文明) is only guessed in words at least this long.
MIN_NEAR_MISS = 4
# A term's words are recognised apart (集体经济很薄弱) within this many extra characters.
LOOSE_GAP = 4
MAX_SPAN = 8  # the longest span of a query checked for a slip
# Pinyin typed as one run of several words is read word by word up to this many letters.
MAX_RUN_LETTERS = 60
_LONGEST_SYLLABLE = 6  # zhuang


@dataclass(frozen=True)
class Term:
    """A vocabulary term: `kind` names the filter it is a value of (problem, theme, domain)."""

    kind: str
    pk: int
    slug: str
    name: str
    aliases: tuple = ()

    @property
    def surfaces(self):
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Mention:
    term: Term
    typed: str  # the text that named it, folded (with what lies between its words)
    # The (start, end) in the folded text of each piece naming it: the whole, or the words of a
    # name written apart, so that what lies between them (城乡医疗联建: 医疗) is still searched for.
    covered: tuple


class TermMatcher:
    """Finds the terms a text names, by their names or aliases."""

    def __init__(self, terms):
        self.terms = list(terms)
        self._exact = {}  # folded name or alias → its terms
        self._loose = []  # (words of a name or alias, it, its term), for names written apart
        self._surfaces = []  # (term, [(name or alias, its words of two or more characters)])
        for term in self.terms:
            surfaces = []
            for surface in term.surfaces:
                folded = compact(surface)
                if not folded:
                    continue
                self._exact.setdefault(folded, []).append(term)
                words = _words_of(folded)
                if len(words) >= 2:
                    self._loose.append((words, folded, term))
                surfaces.append((folded, [word for word in words if len(word) >= 2]))
            self._surfaces.append((term, surfaces))
        self._longest = max(map(len, self._exact), default=0)

    def in_query(self, text):
        """The terms `text` (a query, folded) names, as Mentions in the order they occur: a name
        or alias as written, longest first, or its words in order a few characters apart
        (集体经济很薄弱). Each term at most once; mentions do not overlap."""
        taken = [False] * len(text)
        found, named = {}, set()  # start → Mention; the (kind, pk) of the terms found

        def claim(term, pieces):
            start, end = pieces[0][0], pieces[-1][1]
            if (term.kind, term.pk) in named or any(taken[start:end]):
                return
            for piece_start, piece_end in pieces:
                taken[piece_start:piece_end] = [True] * (piece_end - piece_start)
            named.add((term.kind, term.pk))
            found[start] = Mention(term, text[start:end], tuple(pieces))

        for length in range(min(self._longest, len(text)), 1, -1):
            for start in range(len(text) - length + 1):
                for term in self._exact.get(text[start : start + length], ()):
                    claim(term, [(start, start + length)])
        for words, folded, term in sorted(self._loose, key=lambda row: -len(row[1])):
            pieces = _in_order(text, words, len(folded) + LOOSE_GAP)
            if pieces:
                claim(term, pieces)
        return [found[key] for key in sorted(found)]

    def in_document(self, text):
        """The terms a document names (folded text): a name or alias as written, or all of its
        words of two or more characters (at least two such words) anywhere."""
        return [
            term
            for term, surfaces in self._surfaces
            if any(
                folded in text or (len(words) >= 2 and all(word in text for word in words))
                for folded, words in surfaces
            )
        ]

    def closest(self, text, limit=5):
        """The terms whose names or aliases share most two-character pieces with `text` (folded),
        for a search that found nothing: at least one piece shared."""
        pieces = _bigrams(text)
        scored = []
        for term in self.terms:
            shared = max(len(pieces & _bigrams(compact(surface))) for surface in term.surfaces)
            if shared:
                scored.append((-shared, term.kind, term.pk, term))
        return [row[-1] for row in sorted(scored)[:limit]]


def _bigrams(text):
    return {text[at : at + 2] for at in range(len(text) - 1) if _HAN.match(text[at : at + 2])}


def _words_of(name):
    """A name's words: as the segmenter cuts it, or the parts of a name it keeps whole."""
    words = [word for word in segmenter().cut(name, False) if word.strip()]
    return word_parts(name) if len(words) == 1 else words


def _in_order(text, words, width):
    """The (start, end) of each of `words` at the first place where they occur in order within
    `width` characters, or None."""
    start = text.find(words[0])
    while start != -1:
        pieces = [(start, start + len(words[0]))]
        for word in words[1:]:
            at = text.find(word, pieces[-1][1])
            if at == -1 or at + len(word) - start > width:
                break
            pieces.append((at, at + len(word)))
        else:
            return pieces
        start = text.find(words[0], start + 1)
    return None


@lru_cache(maxsize=1 << 14)
def _syllables(character):
    return tuple(lazy_pinyin(character))


def _reading(word):
    # A word pypinyin lists as a phrase is read as the phrase says (重庆: chong, 银行: hang), which
    # is what lazy_pinyin gives for it (checked for every phrase by the tests) without its cost;
    # any other word is read a character at a time, each read once.
    phrase = PHRASES_DICT.get(word)
    if phrase is not None:
        return tuple(toneless(readings[0]) for readings in phrase)
    return tuple(syllable for character in word for syllable in _syllables(character))


def toneless(syllable):
    """A syllable as pypinyin's NORMAL style writes it: lǜ → lv, zhòng → zhong."""
    plain = "".join(
        ":" if mark == "\u0308" else mark
        for mark in unicodedata.normalize("NFD", syllable)
        if mark == "\u0308" or not unicodedata.combining(mark)
    )
    return plain.replace("u:", "v")


@lru_cache(maxsize=1)
def syllables():
    """Every toneless pinyin syllable pypinyin knows a character by (ba, zhuang, lv …)."""
    return frozenset(toneless(reading) for readings in pinyin_dict.values() for reading in readings.split(","))


@lru_cache(maxsize=1 << 14)
def _character_readings(character):
    return tuple(pinyin(character, style=Style.NORMAL, heteronym=True)[0])


def other_spellings(word):
    """The spellings of `word` in its characters' other readings (于都 → yudu; pinyin_of gives
    yudou): a reader may know the right one where pypinyin does not. None past MAX_OTHER_READINGS."""
    spellings = [""]
    for character in word:
        spellings = [spelled + reading for spelled in spellings for reading in _character_readings(character)]
        if len(spellings) > MAX_OTHER_READINGS:
            return set()
    return set(spellings) - {pinyin_of(word)}


def pinyin_of(word):
    """The toneless pinyin of `word`, syllables joined: 兴山 → xingshan."""
    return "".join(_reading(word))


def initials_of(word):
    """The first letters of `word`'s syllables: 集体经济 → jtjj."""
    return "".join(syllable[0] for syllable in _reading(word))


_LETTERS = re.compile(r"[a-z]+")
_HAN = re.compile(r"^[\u3400-\u9fff]+$")


class Lexicon:
    """The domain's words (names, places, tags, curated words), findable by pinyin and by sound,
    and below them the words of titles (苏南, 探索).

    A word's weight is how many times it was handed in (once for each case or term using it):
    of two words spelled alike, the more used one is meant, a name before a title's word
    whatever their weights (fengxian: the district 奉贤, not 风险 of a hundred titles).
    """

    def __init__(self, words=(), title_words=()):
        self.weights = Counter()
        # Sets are replaced, never changed in place: a reader in another thread iterates the
        # one it got while `add` (a case published) writes.
        self._by_pinyin, self._by_initials, self._by_pattern = {}, {}, {}
        # Places' spellings in their characters' other readings: read when no other fits.
        self._by_other_reading, self._read_otherwise = {}, set()
        # Words known only from titles: spelled in full pinyin, never by initials (three letters
        # would name too many of them), and meant only where no name fits. Only ever asked
        # whether it holds a word, so it may change in place.
        self._from_titles = set()
        # The pinyin spellings in order, for prefixes (completions), as of a count of changes.
        self._version, self._spellings = 0, (-1, [])
        self.add(words)
        self.add(title_words, from_titles=True)

    def add(self, words, from_titles=False):
        """Count `words` in (a title's words if `from_titles`), and the runs of their smaller
        words (精神文明 in 精神文明建设), which a reader may type alone."""
        counted = Counter()
        for word, count in Counter(words).items():  # each distinct word folded once
            counted[compact(word)] += count
        # Places (a name of two characters or more before 县, 镇 …, not 社区 or 农村), and their
        # names handed in without it (于都 beside 于都县).
        places = set()
        for whole in () if from_titles else counted:
            if len(short := _PLACE_NAME.sub("", whole)) >= 2 and short != whole:
                places |= {whole, short}
        for whole, count in counted.items():
            for run, pieces in _runs(whole):
                self._count(run, pieces, count, from_titles)
            if from_titles:
                continue
            if whole in places and whole not in self._read_otherwise:
                self._read_otherwise.add(whole)
                for spelling in other_spellings(whole):
                    _index(self._by_other_reading, spelling, whole)

    def add_new(self, words, from_titles=False):
        """Count in those of `words` it does not know yet (names read again after a change), and
        as names those it knew only from titles."""

        def new(word):
            folded = compact(word)
            return folded not in self.weights or (not from_titles and folded in self._from_titles)

        self.add((word for word in words if new(word)), from_titles)

    def _count(self, word, pieces, count, from_titles):
        new = word not in self.weights
        if new:
            # As pypinyin reads it whole, and as its smaller words read alone (集体经济薄弱 is
            # jitijingjibaoruo whole, 薄弱 alone boruo): a reader may type either.
            for spelling in {pinyin_of(word), "".join(map(pinyin_of, pieces))}:
                _index(self._by_pinyin, spelling, word)
            self._version += 1
            if len(word) >= MIN_NEAR_MISS:
                for pattern in _patterns(word):
                    _index(self._by_pattern, pattern, word)
        if from_titles:
            if new:
                self._from_titles.add(word)
        elif new or word in self._from_titles:  # a name, or a title's word now a name too
            self._from_titles.discard(word)
            if len(word) >= MIN_INITIALS:
                _index(self._by_initials, initials_of(word), word)
        self.weights[word] += count

    def __contains__(self, word):
        return word in self.weights

    def _best(self, words):
        return min(words, key=self._rank) if words else None

    def _rank(self, word):
        return (word in self._from_titles, -self.weights[word], -len(word), word)

    def from_pinyin(self, letters, initials=True):
        """The word `letters` (lower case, no spaces) spells in full pinyin (as pypinyin reads
        it, else, for a place, in its characters' other readings) or in initials."""
        if not _LETTERS.fullmatch(letters or ""):
            return None
        return (
            self._best(self._by_pinyin.get(letters))
            or self._best(self._by_other_reading.get(letters))
            or (self._best(self._by_initials.get(letters)) if initials else None)
        )

    def completions(self, letters, limit=3):
        """The words whose pinyin begins with `letters` (a reader still typing: xings → 兴山),
        the most used first; none for fewer than MIN_PREFIX letters, which begin too many."""
        if len(letters or "") < MIN_PREFIX or not _LETTERS.fullmatch(letters):
            return []
        version, spellings = self._spellings
        if version != self._version:  # built on first use after a change, then kept
            version = self._version  # read first: a word counted meanwhile makes the next call rebuild
            spellings = sorted(list(self._by_pinyin))  # list(): the keys copied in one step
            self._spellings = (version, spellings)
        found = set()
        for spelling in spellings[bisect.bisect_left(spellings, letters) :]:
            if not spelling.startswith(letters):
                break
            found |= self._by_pinyin[spelling]
        return sorted(found, key=lambda word: (word in self._from_titles, -self.weights[word], len(word), word))[:limit]

    def meant(self, span, alone=False):
        """The word a slip `span` (not itself a known word) stands for: one of the same length
        with the same pinyin, or (long words) one character different; None when there is none.
        A two-character homophone is only guessed when it is the whole query (`alone`): inside
        a sentence two characters sound like too many words."""
        if span in self.weights:
            return None
        if len(span) >= MIN_HOMOPHONE or (alone and len(span) == 2):
            same = {word for word in self._by_pinyin.get(pinyin_of(span), ()) if len(word) == len(span)}
            if same:
                return self._best(same)
        if len(span) >= MIN_NEAR_MISS:
            return self._best({word for pattern in _patterns(span) for word in self._by_pattern.get(pattern, ())})
        return None


def spelled_words(texts):
    """How many times `texts` (titles) use each word the lexicon learns from them (a Counter):
    the segmenter's words of two or more Chinese characters (苏南地区积极探索… → 苏南地区,
    积极探索 …, whose smaller words the lexicon knows too). All texts are cut in one go, a line
    each, only made Simplified first (the lexicon folds each distinct word itself): one text at
    a time, each folded whole, cost seconds at 100,000 titles."""
    used = Counter(_words_and_names(to_simplified("\n".join(texts))))
    return Counter({word: count for word, count in used.items() if _spellable(word)})


def words_spelled_in(text):
    """The distinct words of `text` a reader may type in pinyin, as spelled_words takes them."""
    return {word for word in set(_words_and_names(to_simplified(text))) if _spellable(word)}


def _words_and_names(text):
    """The segmenter's words of `text`, and the names of numbered parts a query reads in it
    (两推一选, which the segmenter cuts into characters): a reader types those in pinyin too."""
    return segmenter().cut(text, False) + [text[start:end] for start, end in numbered_spans(text)]


def _spellable(word):
    return len(word) >= 2 and _HAN.match(word)


def _index(table, key, word):
    table[key] = table.get(key, frozenset()) | {word}


@lru_cache(maxsize=1 << 16)
def _runs(whole):
    """A word (folded, no spaces) and the runs of the smaller words it is made of, each with
    those words, Chinese only. Cut from the left, not word_parts' head-final cover: 兴山县 is
    兴山|县 here (a reader types 兴山), where word_parts gives 兴|山县."""
    if len(whole) < 2 or not _HAN.match(whole):
        return ()
    pieces = [piece for piece in segmenter().cut_for_search(whole, False) if len(piece) < len(whole)] or [whole]
    cut = _cover(whole, pieces)
    runs = {"".join(cut[i:j]): tuple(cut[i:j]) for i in range(len(cut)) for j in range(i + 1, len(cut) + 1)}
    return tuple((run, words) for run, words in runs.items() if len(run) >= 2)


def _cover(word, pieces):
    """`word` cut into the longest of `pieces` from the left (characters where none fits)."""
    known, cut, at = set(pieces), [], 0
    while at < len(word):
        end = next((end for end in range(len(word), at, -1) if word[at:end] in known), at + 1)
        cut.append(word[at:end])
        at = end
    return cut


def _patterns(word):
    return [f"{word[:at]}?{word[at + 1 :]}" for at in range(len(word))]


# --- what is known now ---------------------------------------------------------------------------

_sources = {}
_loaded = {}


def use(terms, lexicon_words, fillers=(), synonyms=(), follow=None, title_words=None, text_words=None):
    """From now on: the vocabulary's Terms from `terms()`, the lexicon from `lexicon_words()`
    and `title_words()` (functions, called when first needed after each reset), the words a query can do without
    (`fillers`: question words, function words, 村里 …) and groups of words meaning the same
    (`synonyms`: each a list, 打工 beside 务工); `text_words(spellings)` gives the words of the
    cases' texts that some of the pinyin `spellings` spell ({spelling: word}). `follow()` is called before the terms or the lexicon are
    handed out: the project's chance to forget what another process changed."""
    same = {}
    for group in synonyms:
        folded = [fold(word) for word in group]
        for word in folded:
            same[word] = tuple(dict.fromkeys([*same.get(word, ()), *(other for other in folded if other != word)]))
    _sources.update(
        terms=terms,
        lexicon=lexicon_words,
        titles=title_words or list,
        texts=text_words or _no_words,
        fillers=frozenset(fold(word) for word in fillers),
        synonyms=same,
        spoken=tuple(sorted((word for word in same if len(word) >= 2), key=lambda word: (-len(word), word))),
        follow=follow or _nothing,
    )
    reset()


def fillers():
    return _sources.get("fillers", frozenset())


def synonyms(word):
    """The words meaning the same as `word` (folded), as the synonym groups say."""
    return _sources.get("synonyms", {}).get(word, ())


def synonym_words():
    """The words of the synonym groups written with two or more characters, longest first."""
    return _sources.get("spoken", ())


def reset():
    """Forget what was read: terms, aliases or names changed."""
    _loaded.clear()


def reset_terms():
    """Forget the terms and aliases only (the lexicon, slower to read, is kept)."""
    _loaded.pop("matcher", None)


def _nothing():
    pass


def _no_words(spellings):
    return {}


# Where a word of a reading comes from, the most trusted first: of readings as costly, the one
# with fewer words from further down wins (集体经济|发展 over 集体|经济发展, a text's word).
_LEXICON, _TEXTS, _FILLER = 0, 1, 2


def read_letters(spellings):
    """{letters: the words they spell, or None} for each of `spellings` (lower case, no spaces).
    One word — the lexicon's (a name, else a title's word, in full pinyin or initials), else the
    one most of the cases' texts use (yiyantang) — or, for pinyin typed as one run of several
    words (jitijingjizenmefazhan), the words it spells one after another, as few as may be, each
    in full pinyin, question and filler words (怎么) among them but not alone. A syllable no word
    takes is left out (cun of cunjitijingji, as a character alone beside words is); a reading
    leaving out more syllables than it reads words is none. The cases' texts are asked once for
    all of them, and only for letters that are pinyin."""
    found, runs = {}, {}
    for letters in dict.fromkeys(spellings):
        found[letters] = None
        if not _LETTERS.fullmatch(letters or ""):
            continue
        if whole := lexicon().from_pinyin(letters):
            found[letters] = [whole]
        elif len(letters) <= MAX_RUN_LETTERS and (cut := _syllables_of(letters)):
            runs[letters] = cut
    pieces = {piece for _, _, run_pieces in runs.values() for piece in run_pieces}
    spelled = {}
    for piece in pieces:
        if word := lexicon().from_pinyin(piece, initials=False):
            spelled[piece] = (word, _LEXICON)
    asked = [piece for piece in sorted(pieces) if piece not in spelled and _syllable_count_at_least(piece, 2)]
    for piece, word in (_sources.get("texts", _no_words)(asked) if asked else {}).items():
        spelled[piece] = (word, _FILLER if word in fillers() else _TEXTS)  # the texts say 我们 too
    for piece in pieces:
        if piece not in spelled and (word := _filler_spellings().get(piece)):
            spelled[piece] = (word, _FILLER)
    for letters, (ends, starts, _) in runs.items():
        found[letters] = _cheapest_reading(letters, ends, starts, spelled)
    return found


def _syllables_of(letters):
    """(where a syllable starting at each position may end, where syllables may start, the runs
    of whole syllables of two letters or more) for `letters`, or None if they are not pinyin."""
    ends = _syllable_ends(letters)
    starts = {0}
    for at in range(len(letters)):
        if at in starts:
            starts.update(ends[at])
    if len(letters) not in starts:
        return None
    pieces = {letters[i:j] for i in starts for j in starts if j - i >= 2 and _reads_between(ends, i, j)}
    return ends, starts, pieces


def _cheapest_reading(letters, ends, starts, spelled):
    # best[j]: ((cost, syllables left out, words not the lexicon's), words) of the cheapest reading
    # of letters[:j]: a word costs one, a syllable left out three (two words beat a word and a
    # lost syllable), and of readings as costly the one leaving out fewer syllables wins.
    best = {0: ((0, 0, 0), ())}
    for end in sorted(starts - {0}):
        options = []
        for start, ((cost, left_out, others), read) in list(best.items()):
            if (piece := letters[start:end]) in spelled:
                word, source = spelled[piece]
                options.append(((cost + 1, left_out, others + (source != _LEXICON)), (*read, (word, source))))
            if end in ends[start]:
                options.append(((cost + 3, left_out + 1, others), read))
        if options:
            best[end] = min(options, key=lambda option: (option[0], len(option[1])))
    (_, left_out, _), read = best.get(len(letters), ((0, 0, 0), ()))
    if not any(source != _FILLER for _, source in read) or left_out > len(read):
        return None
    return [word for word, _ in read]


def _syllable_ends(letters):
    """For each position of `letters`, where a syllable starting there may end."""
    known = syllables()
    return {
        at: {end for end in range(at + 1, min(len(letters), at + _LONGEST_SYLLABLE) + 1) if letters[at:end] in known}
        for at in range(len(letters))
    }


def _reads_between(ends, start, end):
    reached = {start}
    for at in range(start, end):
        if at in reached:
            reached.update(position for position in ends[at] if position <= end)
    return end in reached


def _syllable_count_at_least(letters, count):
    """Whether `letters` can be read as `count` or more pinyin syllables, nothing left over."""
    known = syllables()
    # most[i]: the most syllables letters[:i] reads as (None: it cannot be read).
    most = [0] + [None] * len(letters)
    for end in range(1, len(letters) + 1):
        for start in range(max(0, end - _LONGEST_SYLLABLE), end):
            if most[start] is not None and letters[start:end] in known:
                most[end] = max(most[end] or 0, most[start] + 1)
    return most[-1] is not None and most[-1] >= count


def _filler_spellings():
    """The question and filler words by their pinyin (zenmeban → 怎么办); of two spelled alike,
    one chosen by a fixed order (either is left out of the search)."""
    found = _loaded.get("filler_spellings")
    if found is None:
        found = _loaded["filler_spellings"] = {
            pinyin_of(word): word for word in sorted(fillers(), reverse=True) if len(word) >= 2 and _HAN.match(word)
        }
    return found


def matcher():
    _sources.get("follow", _nothing)()
    # The one read here is returned, whatever another thread resets meanwhile.
    found = _loaded.get("matcher")
    if found is None:
        found = _loaded["matcher"] = TermMatcher(_sources["terms"]() if "terms" in _sources else [])
        if (lexicon_read := _loaded.get("lexicon")) is not None:  # names and aliases changed: learn the new ones
            lexicon_read.add_new(surface for term in found.terms for surface in term.surfaces)
    return found


def learn(words, title_words=list):
    """Add newly published names and titles' words to the lexicon, if it is loaded (else they
    are read with it). `words`, `title_words`: functions giving them, called only then."""
    if "lexicon" in _loaded:
        _loaded["lexicon"].add(words())
        _loaded["lexicon"].add(title_words(), from_titles=True)


def learn_new(words, title_words=list):
    """Add those of `words` and `title_words` the lexicon does not know yet (a region saved
    again is not counted again), if it is loaded."""
    if "lexicon" in _loaded:
        _loaded["lexicon"].add_new(words())
        _loaded["lexicon"].add_new(title_words(), from_titles=True)


def lexicon():
    _sources.get("follow", _nothing)()
    found = _loaded.get("lexicon")
    if found is None:
        words = list(_sources["lexicon"]()) if "lexicon" in _sources else []
        title_words = _sources["titles"]() if "titles" in _sources else []
        found = _loaded["lexicon"] = Lexicon(
            words + [surface for term in matcher().terms for surface in term.surfaces], title_words
        )
    return found
