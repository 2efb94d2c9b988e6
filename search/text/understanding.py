"""What a reader meant by a query: pinyin read as the words it spells, input-method slips
corrected, the vocabulary terms it names recognised, and the words it can do without dropped.

Done once, before any engine sees the query, so that every engine searches for the same thing.
"""

import re
from dataclasses import dataclass, field

from . import vocabulary
from .pipeline import fold, in_numerals, is_domain_word, is_numeral_name, numbered_spans, query_words, segmenter

# Letters standing alone (not part of 5g, o2o, g20): what pinyin may spell.
_LETTER_RUN = re.compile(r"(?<![a-z0-9])[a-z]+(?:\s+[a-z]+)*(?![a-z0-9])")
# Pinyin typed with its tones, as marks (dǎngjiàn, jítǐ jīngjì) or as a digit after each of two
# or more syllables (dang3jian4), or with the apostrophes input methods put between syllables
# (xing'shan): read as its plain letters where those spell a word, else left as typed (café).
_MARKS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
_APOSTROPHES = "'’‘"
_TYPED_PINYIN = re.compile(
    f"(?<![a-z0-9{_MARKS}{_APOSTROPHES}])[a-z{_MARKS}{_APOSTROPHES}1-5]+"
    f"(?:\\s+[a-z{_MARKS}{_APOSTROPHES}1-5]+)*(?![a-z0-9{_MARKS}{_APOSTROPHES}])"
)
_TONE_MARKED = re.compile(f"[a-z{_MARKS}]*[{_MARKS}][a-z{_MARKS}]*")
_TONE_DIGITS = re.compile(r"(?<![a-z0-9])(?:[a-zv]+[1-5]){2,}(?![a-z0-9])")
_SYLLABLE_MARK = re.compile(f"(?<=[a-z])[{_APOSTROPHES}](?=[a-z])")
_HAN_RUN = re.compile(r"[\u3400-\u9fff]+")
# Part-of-speech tags (jieba's) of the words a query can do without.
FUNCTION_TAGS = frozenset({"r", "d", "p", "c", "u", "uj", "ul", "uz", "ug", "uv", "ud", "y", "e", "o"})
MAX_FILLER_TOKENS = 4  # a filler the segmenter cuts in pieces (有/没有) is found up to this many


@dataclass
class Understood:
    words: list  # the meaningful words left once the terms named are taken out
    mentions: list = field(default_factory=list)  # vocabulary.Mention, in the order typed
    corrections: list = field(default_factory=list)  # (typed, meant) for pinyin and slips
    dropped: list = field(default_factory=list)  # fillers left out
    synonyms: dict = field(default_factory=dict)  # word → the words meaning the same


def understand(text, *, as_typed=False, keep=()):
    """Understand `text` (normalised); `as_typed` reads no pinyin and corrects no slips, and
    neither is done to the spans in `keep` (found in the cases as typed)."""
    folded = fold(text)
    corrections = []
    if not as_typed:
        folded = _read_pinyin(plain_pinyin(folded), corrections, keep)
        folded = _correct_slips(folded, corrections, keep)
    mentions = vocabulary.matcher().in_query(folded)
    rest = list(folded)
    for mention in mentions:
        for start, end in mention.covered:
            rest[start:end] = " " * (end - start)
    words, dropped = _content_words("".join(rest), named=bool(mentions))
    if not words and not mentions:
        words, dropped = query_words(folded), []
    elif any(len(word) > 1 for word in words):
        # A character the segmenter left alone beside real words (村, 人, 帮) means little by itself.
        dropped += [word for word in words if len(word) == 1 and _HAN_RUN.match(word)]
        words = [word for word in words if not (len(word) == 1 and _HAN_RUN.match(word))]
    same = {word: others for word in words if (others := vocabulary.synonyms(word))}
    return Understood(words=words, mentions=mentions, corrections=corrections, dropped=dropped, synonyms=same)


def meaningful_words(text):
    """The words of `text` that would be searched for once question, filler and function words
    are left out (terms' names among them): none for 怎么办 or 村里的问题."""
    kept, _ = _content_words(fold(text))
    return kept


def plain_pinyin(folded):
    """`folded` with pinyin typed with its tones or apostrophes in plain letters where those
    spell a word (dǎngjiàn, dang3jian4, dang'jian → dangjian); anything else
    as typed (café, mcdonald's, a1a2)."""

    def plain(match):
        typed = match.group(0)
        letters = _TONE_MARKED.sub(lambda marked: vocabulary.toneless(marked.group(0)), typed)
        letters = _TONE_DIGITS.sub(_without_tone_digits, _SYLLABLE_MARK.sub("", letters))
        if letters == typed:
            return typed
        words = letters.split()
        return letters if any(vocabulary.read_letters(["".join(words), *words]).values()) else typed

    return _TYPED_PINYIN.sub(plain, folded)


def _without_tone_digits(match):
    groups = re.findall(r"([a-z]+)[1-5]", match.group(0))
    return "".join(groups) if all(group in vocabulary.syllables() for group in groups) else match.group(0)


def _read_pinyin(folded, corrections, keep):
    if not _LETTER_RUN.search(folded):
        return folded

    def spelled(match):
        run = match.group(0)
        # The run and each of its words read at once: the cases' texts are asked once a run.
        readings = vocabulary.read_letters(
            [letters for letters in ["".join(run.split()), *run.split()] if letters not in keep]
        )

        def read(letters):
            """A word, or words one after another (jitijingjizenmefazhan), or None."""
            words = readings.get(letters)
            return " ".join(words) if words else None

        whole = read("".join(run.split()))
        if whole:
            corrections.append((run, whole))
            return f" {whole} "
        words = [read(letters) for letters in run.split()]
        if not any(words):
            return run
        corrections.extend((letters, word) for letters, word in zip(run.split(), words) if word)
        return f" {' '.join(word or letters for letters, word in zip(run.split(), words))} "

    return _LETTER_RUN.sub(spelled, folded)


def _correct_slips(folded, corrections, keep):
    """Spans of whole segmenter tokens that sound like (or are one character off) a lexicon word,
    longest first. A span must be more than one token: a word the segmenter knows was meant."""
    lexicon = vocabulary.lexicon()

    def corrected(match):
        run = match.group(0)
        tokens = segmenter().cut(run, False)
        starts = [0]
        for token in tokens:
            starts.append(starts[-1] + len(token))
        spans = [
            (i, j)
            for i in range(len(tokens))
            for j in range(i + 2, len(tokens) + 1)
            if starts[j] - starts[i] <= vocabulary.MAX_SPAN
        ]
        spans.sort(key=lambda span: (starts[span[0]] - starts[span[1]], span[0]))
        replaced, taken = {}, set()
        for i, j in spans:
            start, end = starts[i], starts[j]
            if taken & set(range(start, end)):
                continue
            span = run[start:end]
            meant = None if span in keep else lexicon.meant(span, alone=span == folded.strip())
            # A near miss only where the segmenter found no words (精神/文/朋): 集体/经营 is not 集体经济.
            fragmented = any(len(token) == 1 for token in tokens[i:j])
            if meant and (fragmented or vocabulary.pinyin_of(meant) == vocabulary.pinyin_of(span)):
                replaced[start] = (end, meant)
                taken |= set(range(start, end))
                corrections.append((span, meant))
        out, at = [], 0
        for start in sorted(replaced):
            end, meant = replaced[start]
            out += [run[at:start], meant]
            at = end
        return "".join(out) + run[at:]

    return _HAN_RUN.sub(corrected, folded)


def _content_words(text, named=False):
    """The words of `text` (folded, terms taken out) a query means, and those it does without:
    a synonym group's word the segmenter cuts into whole words (富|起来 → 富起来), then the
    segmenter's words less fillers and function words. Numbers written out stay when without
    them only single characters would be left (十九|大), unless the query `named` a vocabulary
    term: that is what it means (三|个 beside 空壳村 is not a search for 三). Other function
    words never do (自己|干 searches 干)."""
    tagged = []
    for piece in _synonym_pieces(text):
        tagged += [(piece[0], False, False)] if isinstance(piece, tuple) else _tagged_words(piece)
    kept, dropped = _without_fillers(tagged)
    if kept and not named and not any(len(word) > 1 for word in kept):
        kept, dropped = _without_fillers([(word, function and not number, number) for word, function, number in tagged])
    return kept, dropped


def _synonym_pieces(text):
    """`text` as a list of plain strings and (word,) for each word read whole: a name of
    numbered parts (四议两公开), and a synonym group's word of two or more characters written
    as segmenter words, longest first. That starts where a word starts and ends where one ends,
    or inside its last word (not its first) when two or more characters of that are left
    (集中|居住小区 → 集中居住 + 小区): 服务|农村 holds no 务农, 农村|长效 no 村长, 做|主要 no 做主."""
    token_at, at = [], 0  # each character's (start, end) of its segmenter word
    for token in segmenter().cut(text, False):
        token_at += [(at, at + len(token))] * len(token)
        at += len(token)

    def whole(start, end):
        first, (last_start, last_end) = token_at[start], token_at[end - 1]
        if first[0] != start:
            return False
        return end == last_end or (last_start > start and last_end - end >= 2)

    found = {}
    taken = [False] * len(text)
    for start, end in numbered_spans(text):
        taken[start:end] = [True] * (end - start)
        found[start] = text[start:end]
    for word in vocabulary.synonym_words():
        start = text.find(word)
        while start != -1:
            end = start + len(word)
            if whole(start, end) and not any(taken[start:end]):
                taken[start:end] = [True] * len(word)
                found[start] = word
            start = text.find(word, start + 1)
    pieces, at = [], 0
    for start in sorted(found):
        pieces += [text[at:start], (found[start],)]
        at = start + len(found[start])
    return [*pieces, text[at:]]


def _tagged_words(text):
    """(word, function word?, number written out?) for each word of `text` as the index knows it;
    a name written in numbers alone (三|一五 → 三一五) is one word, meant."""
    tagged = []
    tokens = segmenter().tag(text, False)
    at = 0
    while at < len(tokens):
        end = at
        while end < len(tokens) and tokens[end][1] == "m" and in_numerals(tokens[end][0]):
            end += 1
        run = "".join(token for token, _ in tokens[at:end])
        counted = end < len(tokens) and tokens[end][1] == "q"  # 三一五 个: a count after all
        if is_numeral_name(run) and not counted:
            tagged.append((run, False, False))
            at = end
            continue
        token, tag = tokens[at]
        at += 1
        for word in query_words(token):
            if is_domain_word(word):  # 十四五, which the general dictionary tags a number
                tagged.append((word, False, False))
                continue
            # A number in digits is meant (2018年); written out it reads like an adverb (六十, 好几年).
            number = tag == "m" and not any(character.isdigit() for character in word)
            tagged.append((word, number or tag in FUNCTION_TAGS, number))
    return tagged


def _without_fillers(tagged):
    words = [word for word, *_ in tagged]
    fillers = vocabulary.fillers()
    kept, dropped, at = [], [], 0
    while at < len(words):
        for size in range(min(MAX_FILLER_TOKENS, len(words) - at), 0, -1):
            if "".join(words[at : at + size]) in fillers:
                dropped.append("".join(words[at : at + size]))
                at += size
                break
        else:
            (dropped if tagged[at][1] else kept).append(words[at])
            at += 1
    return kept, dropped
