"""The segmenter's domain dictionary: a curated word list plus the names the domain gives things.

The words are handed in at start-up (search.apps.SearchConfig.ready): the pipeline never looks
them up itself, so it imports nothing of the project. Words only steer where text is cut; a word
missing from one process's dictionary still matches, because queries also look for the parts of
a compound (see `pipeline.word_parts`).
"""

import re

# 五常市 → 五常, 商南县 → 商南: people name places without the administrative suffix.
_PLACE_SUFFIX = re.compile(r"(省|市|县|区|自治州|地区)$")

_curated = []
_sources = []
_follow = []


def use(curated, *sources, follow=None):
    """The dictionary from now on: the `curated` words, and the words each of `sources` (a
    function) gives when the segmenter loads: names read from the database then, not at start-up.
    `follow()` is called before the segmenter is handed out: the project's chance to forget what
    another process changed."""
    _curated[:] = curated
    _sources[:] = sources
    _follow[:] = [follow] if follow else []


def follow():
    for hook in _follow:
        hook()


def read_word_list(path):
    """The words of a word-list file: one a line, # comments and blank lines skipped."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def curated_words():
    return list(_curated)


def place_words(name):
    """A place name and its short form: 商南县 → [商南县, 商南]."""
    short = _PLACE_SUFFIX.sub("", name)
    return [name, short] if short != name and len(short) >= 2 else [name]


def words():
    """Every word of the dictionary as it stands."""
    found = list(_curated)
    for source in _sources:
        found += source()
    return found
