"""The Chinese text pipeline: the one place where text is normalised, folded and segmented.

Indexing and querying both call it, so a word is found exactly when the index and the query
agree on it: normalise (NFKC: full-width → half-width) → fold (Traditional → Simplified, lower
case) → segment (rjieba, without HMM, with the domain dictionary of `dictionary`, whose words
are handed in at start-up).
"""

import re
import unicodedata
from functools import lru_cache

import opencc
import rjieba

from . import dictionary

# OpenCC keeps 著 in 著力/著重, which Simplified texts write 着力/着重: fold it for search only.
SEARCH_ONLY_FOLDS = str.maketrans({"著": "着"})
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PINYIN_NOTE = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]{1,6}\)")
# A term keeps letters and digits only, so that no punctuation (or FTS/tsquery syntax such as
# " * + NEAR( ) reaches a search backend; 1+3模式 is indexed and queried alike as 13模式.
_NON_WORD = re.compile(r"[\W_]+")
# 加 between digits on one line is a plus said in words: 1加3模式 is 1+3模式. A pattern both
# Python and the search cluster's (Java) regular expressions read the same way.
SPOKEN_PLUS = r"(?<=\d)[^\S\n]*加[^\S\n]*(?=\d)"
_SPOKEN_PLUS = re.compile(SPOKEN_PLUS)
# A name made of numbered parts (四议两公开, 一村一策, 两推一选): two or more runs of one or two
# numbers written out and a word or a character. The dictionary lacks most of them, and the
# segmenter cuts them into numbers and single characters, which a query drops as function words.
_NUMERALS = "一二两三四五六七八九十百千万"
# Where one may start: numbers, one or two characters, then numbers again (its next part).
_NUMBERED_START = re.compile(f"[{_NUMERALS}]{{1,2}}(?=(?:(?![{_NUMERALS}])[\u4e00-\u9fff]){{1,2}}[{_NUMERALS}])")
MAX_NUMBERED_PARTS = 6
_CONTEXT = 8
# A run of numbers alone is usually a count: written out (十九, 一百零五, 两万, 一万二), about one
# (五六十, 两三百, 十五六, 一两, 三五: two numbers in a row), doubled (一一, 千千万万), or a year
# read digit by digit (一九四九, 二零一九). Any other is a name (三一五, 九一八), which the segmenter
# tags as a number like a count. 十三五 and 十四五 read as counts too (thirteen to fifteen,
# fourteen or fifteen): the five-year plans are curated words.
_NUMERAL_RUN = re.compile(f"[{_NUMERALS}零〇]{{2,}}")
_DIGITS = "一二两三四五六七八九"
_COUNT = re.compile(
    f"(?:[{_DIGITS}十百千]*万)?(?:[{_DIGITS}]?千)?(?:零?[{_DIGITS}]?百)?(?:零?[{_DIGITS}]?十)?(?:零?[{_DIGITS}])?"
)
_ABOUT_A_COUNT = re.compile(r"一二|二三|两三|三四|四五|五六|六七|七八|八九|一两|三两|三五|(.)\1")
_YEAR = re.compile(f"[{_DIGITS}零〇]{{4}}")


@lru_cache(maxsize=1)
def _converter():
    return opencc.OpenCC("t2s")


def drop_controls(text):
    """Control characters (NUL, backspace …) as spaces: databases, XML and Word refuse them."""
    return CONTROL_CHARACTERS.sub(" ", text or "")


def normalise(text):
    """Unicode NFKC (full-width letters, digits and punctuation → half-width), no control characters."""
    return drop_controls(unicodedata.normalize("NFKC", text or ""))


def to_simplified(text):
    """Traditional → Simplified, as readers see it (no search-only folds)."""
    return _converter().convert(text or "")


def strip_pinyin_notes(text):
    """Drop pinyin written after characters by some document sites: 鄉(xiāng) → 鄉."""
    return _PINYIN_NOTE.sub("", text or "")


def fold(text):
    """The comparable form of text: normalised, Simplified, search-only folds, lower case."""
    folded = to_simplified(normalise(text)).translate(SEARCH_ONLY_FOLDS).lower()
    return _SPOKEN_PLUS.sub("+", folded) if "加" in folded else folded


def compact(text):
    """The folded form of text without its spaces: how names and phrases are compared."""
    return "".join(fold(text).split())


_segmenter = None
_known_words = set()


def segmenter():
    """The process's rjieba segmenter, loaded with the domain dictionary on first use."""
    global _segmenter
    dictionary.follow()
    if _segmenter is None:
        loaded = rjieba.Jieba()
        # Sorted and each word once: a word's frequency is suggested from the dictionary as it
        # stands when the word is added, so the order of additions must not vary with the
        # database's row order.
        words = sorted({fold(word) for word in dictionary.words() if word})
        for word in words:
            loaded.add_word(word, None, None)
        _known_words.clear()
        _known_words.update(words)
        _segmenter = loaded
    return _segmenter


def is_domain_word(word):
    """Whether `word` (folded) is one the domain handed the segmenter (a curated word, a term's
    or a place's name): meant, whatever part of speech the general dictionary gives it."""
    segmenter()
    return word in _known_words


def reset_segmenter():
    """Forget the loaded dictionary (after a restore): the next use loads it afresh."""
    global _segmenter
    _segmenter = None
    index_text.cache_clear()


def add_words(words):
    """Teach the loaded segmenter new vocabulary (a theme or model name saved in the admin)."""
    if _segmenter is None:
        return
    # Only new words: a known word's frequency stays as suggested when it was first added.
    new = sorted({fold(word) for word in words if word} - _known_words)
    for word in new:
        _segmenter.add_word(word, None, None)
    _known_words.update(new)
    if new:
        index_text.cache_clear()  # texts segmented before may now split differently


def numbered_spans(text, every=False):
    """The (start, end) of each name of numbered parts in `text` (folded), as a query reads it:
    the longest run of two or more parts that starts and ends where the segmenter's words do
    and holds a word of one character, which the dictionary would not leave alone (四议两公开 in
    推行四议两公开工作法; 三年一换, not 一书记三年一换, in 第一书记三年一换; not 两委|一肩挑 nor
    三月|五日, words already). With `every`, each run of two or more parts wherever it starts
    or ends, its last part also one character shorter (三年一换 in 三年一换届): what a text is
    indexed by, so that it holds every name a query may read."""
    spans = []
    for parts in _numbered_runs(text):
        if every:
            for i, (first, _) in enumerate(parts):
                for _, last_end in parts[i + 1 :]:
                    spans.append((first, last_end))
                    if text[last_end - 2] not in _NUMERALS:  # the last part took a word of two
                        spans.append((first, last_end - 1))
            continue
        bounds = _word_bounds(text, parts[0][0], parts[-1][1])
        named = [
            (first, last_end)
            for i, (first, _) in enumerate(parts)
            for _, last_end in parts[i + 1 :]
            if first in bounds and last_end in bounds and _holds_a_single_character(bounds, first, last_end)
        ]
        if named:
            spans.append(max(named, key=lambda span: span[1] - span[0]))
    return spans


def in_numerals(word):
    """Whether `word` is written in numbers alone (十三, 五, 两万)."""
    return bool(_NUMERAL_RUN.fullmatch(word)) or (len(word) == 1 and word in f"{_NUMERALS}零〇")


def is_numeral_name(word):
    """Whether `word` (folded) is a name written in numbers alone (三一五), not a count."""
    return (
        bool(_NUMERAL_RUN.fullmatch(word))
        and not _COUNT.fullmatch(word)
        and not _ABOUT_A_COUNT.search(word)
        and not _YEAR.fullmatch(word)
    )


def _numbered_runs(text):
    """Each run of two to MAX_NUMBERED_PARTS numbered parts in `text`, as their (start, end)."""
    runs, at = [], 0
    while match := _NUMBERED_START.search(text, at):
        parts, end = [], match.start()
        while len(parts) < MAX_NUMBERED_PARTS and (part_end := _numbered_part(text, end)):
            parts.append((end, part_end))
            end = part_end
        if len(parts) >= 2:
            runs.append(parts)
            at = end
        else:
            at = match.start() + 1
    return runs


def _holds_a_single_character(bounds, start, end):
    inside = sorted(bound for bound in bounds if start <= bound <= end)
    return any(after - before == 1 for before, after in zip(inside, inside[1:]))


def _word_bounds(text, start, end):
    """Where the segmenter's words start or end between `start` and `end`, as it cuts `text`:
    cut with a few characters of context either side, not the whole text (a body's numbers
    would have cost a second cut of it)."""
    left = max(0, start - _CONTEXT)
    bounds, at = set(), left
    for token in segmenter().cut(text[left : end + _CONTEXT], False):
        bounds.add(at)
        at += len(token)
    return bounds | {at}


def _numbered_part(text, at):
    """Where a numbered part starting at `at` ends: one or two numbers, then two characters if
    they make a word, else one; None if none starts there."""
    start = at
    while at < len(text) and at - start < 2 and text[at] in _NUMERALS:
        at += 1
    if at == start or at == len(text) or text[at] in _NUMERALS or not _HAN.match(text[at]):
        return None
    pair = text[at : at + 2]
    if len(pair) == 2 and pair[1] not in _NUMERALS and segmenter().has_word(pair):
        return at + 2
    return at + 1


def _term(word):
    # isalnum() is exactly "nothing for _NON_WORD to remove" (re's \w is isalnum() plus "_"), and
    # most words pass it: only the others go through the pattern.
    return word if word.isalnum() else _NON_WORD.sub("", word)


def _terms(words):
    return [term for term in map(_term, words) if term]


_HAN = re.compile(r"[\u3400-\u9fff\U00020000-\U0002ffff]")


def search_terms(text):
    """Every term to index for `text`: its words, the dictionary words inside long words, the
    single characters of Chinese words, and the names of numbered parts (numbered_spans).

    The characters are there because a query made of words the dictionary lacks falls apart
    into characters (乡风文明 → 乡/风/文明 before 乡风 is known), and must still find the text.
    """
    folded = fold(text)
    terms = []
    for token in segmenter().cut_for_search(folded, False):
        terms += _token_terms(token)
    # A name of numbered parts is a term too (四议两公开), as is one of numbers alone (三一五,
    # which the segmenter cuts 三|一五): a query keeps it whole.
    terms += [folded[start:end] for start, end in numbered_spans(folded, every=True)]
    return terms + [run for run in _NUMERAL_RUN.findall(folded) if is_numeral_name(run)]


@lru_cache(maxsize=1 << 16)
def _token_terms(token):
    # Cached: a corpus repeats a few thousand tokens, and indexing spent a third of
    # search_terms cleaning and splitting the same ones again.
    word = _term(token)
    if not word:
        return ()
    return (word, *_HAN.findall(word)) if len(word) > 1 else (word,)


def query_words(text):
    """The words of a query, as the index knows them (the longest dictionary words)."""
    return _terms(segmenter().cut(fold(text), False))


def word_parts(word):
    """The shortest cover of `word` by smaller indexed words: 户联理事会 → [户联, 理事会].

    A query for a compound must also find texts that write its parts apart (城乡联建 in
    "城乡基层党组织联建"); [] when the word has no smaller parts. Among equally short covers
    the one with fewer single characters wins (务工|人员, not 务|工人员: a single character is
    in nearly every text), then the one with the longest last part (城乡|联合|党组织, not
    城乡|联合党|组织): Chinese compounds end in their head word. A name of numbered parts has
    none: its numbers and characters written apart (两…推…一…选, 三…一五) are in most texts,
    and it is indexed whole.
    """
    if numbered_spans(word) == [(0, len(word))] or is_numeral_name(word):
        return []
    subwords = {part for part in _terms(segmenter().cut_for_search(word, False)) if part != word}
    if not subwords:
        return []
    # best[i]: the preferred cover of word[:i], as a list of parts; single characters always fit.
    best = [[]] + [None] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(end):
            part = word[start:end]
            if best[start] is None or not (part in subwords or len(part) == 1):
                continue
            cover = best[start] + [part]
            if best[end] is None or _preference(cover) < _preference(best[end]):
                best[end] = cover
    return best[-1] if len(best[-1]) > 1 else []


def _preference(cover):
    """How a cover of a word by parts ranks (word_parts): the lowest first."""
    return len(cover), sum(len(part) == 1 for part in cover), -len(cover[-1])


@lru_cache(maxsize=256)
def index_text(text):
    """What the search index stores for `text`: its terms joined by spaces.

    Cached: Wagtail's database index asks each search field for its value three times per
    object (once each for its title, body and autocomplete columns).
    """
    return " ".join(search_terms(text))
