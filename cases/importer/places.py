"""Finding where a document's case happened: the gazetteer's places and the taxonomy's regions,
by the names a text gives them."""

import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict

from ..gazetteer import Place, gazetteer
from ..taxonomy import Region

# A township name shared by more counties than this (城关镇) says nothing about where a text is.
COMMON_TOWN = 20
# Cities whose short name is also a word or a byword of party history (延安精神, 大庆精神, 新乡贤).
WORDLIKE_CITIES = {
    "延安",
    "遵义",
    "大庆",
    "大同",
    "长治",
    "安康",
    "中山",
    "普洱",
    "朝阳",
    "黄山",
    "白山",
    "四平",
    "新乡",
    "日照",
    "白银",
    "来宾",
}


# A place hidden after the one named (湖南省某县, 苏州某镇), not 某些 or 某企业.
_MASKED = re.compile(r"某(?:省|市|州|盟|县|区|旗|镇|乡|街道|村|社区)")


def _chain(region):
    names = []
    while region is not None:
        names.insert(0, region.name)
        region = region.parent
    return tuple(names)


def _spans(text, forms):
    """(start, end, place) of every occurrence of each (form, place), except those inside a longer
    name of another place: 江苏 in 江苏苏州 names 苏州, not a second place."""
    spans = sorted(
        ((start, start + len(form), place) for form, place in forms for start in _starts(text, form)),
        key=lambda span: span[:2],
    )
    starts = [span[0] for span in spans]
    longest = max((end - start for start, end, _ in spans), default=0)

    def inside_another(start, end, place):
        # only a span starting at most `longest` characters before can hold this one
        nearby = spans[bisect_left(starts, start - longest) : bisect_right(starts, start)]
        return any(s <= start and end <= e and e - s > end - start and p != place for s, e, p in nearby)

    return [span for span in spans if not inside_another(*span)]


def _starts(text, form):
    start = text.find(form)
    while start >= 0:
        yield start
        start = text.find(form, start + 1)


def _above(place):
    """The places `place` lies in, nearest first."""
    while place.parent is not None:
        place = place.parent
        yield place


def _mentions(spans):
    """{place: times named}, overlapping names of one place once (兴山县 holds 兴山)."""
    counts, ends = Counter(), {}
    for start, end, place in sorted(spans, key=lambda span: span[:2]):
        if start >= ends.get(place, -1):
            counts[place] += 1
        ends[place] = max(ends.get(place, -1), end)
    return counts


class PlaceFinder:
    """Every province, city and county, with the forms that name each in a text.

    A place is named by its full name (安吉县) or, with its province or city before it, by its
    short one (浙江安吉, 湖州安吉). A county's short name alone (安吉, 和平, 光明) is too often a
    word: it counts for the taxonomy's regions only, the places the portal's cases are about.
    Provinces and cities go by their short names too (浙江, 苏州), bar the word-like ones.
    """

    def __init__(self, regions):
        self.regions = {_chain(region): region for region in regions}
        places = gazetteer()
        self.levels = dict(places.levels)
        for chain, region in self.regions.items():  # an editor's region may be missing from the statistics
            self.levels.setdefault(Place(chain), region.level)
        self.children = defaultdict(list)
        self.forms = {}
        self._by_start = defaultdict(list)  # a form's first two characters → (form, place)
        for place in self.levels:
            self.children[place.parent].append(place)
            forms = self._forms(place)
            self.forms[place] = forms
            for form in forms:
                self._by_start[form[:2]].append((form, place))

    def _forms(self, place):
        short = place.short_name
        curated = (
            place.parent is None
            or place.chain in self.regions
            or (self.levels[place] == Region.CITY and short not in WORDLIKE_CITIES)
        )
        # A two-character name (南县, 城区) is part of longer names and words: only after its
        # province or city (湖南南县, 益阳市南县), unless it is the taxonomy's.
        forms = [place.name] if len(place.name) > 2 or curated else []
        if short and curated:
            forms.append(short)
        ancestor = place.parent
        while ancestor is not None:
            if short and ancestor.short_name:
                forms.append(ancestor.short_name + short)
            if len(place.name) == 2:
                forms += [ancestor.name + place.name] + (
                    [ancestor.short_name + place.name] if ancestor.short_name else []
                )
            ancestor = ancestor.parent
        return forms

    def _found(self, text):
        """(form, place) of every form occurring in `text`."""
        starts = {text[i : i + 2] for i in range(len(text) - 1)}
        return [
            (form, place)
            for start in starts & self._by_start.keys()
            for form, place in self._by_start[start]
            if form in text
        ]

    def names_a_place(self, text):
        return bool(self._found(text))

    def names(self, text, region):
        """Whether `text` names `region` (a Region)."""
        return any(form in text for form in self.forms.get(Place(_chain(region)), [region.name]))

    def starting(self, text):
        """The longest form of a place `text` starts with, or ""."""
        return max((form for form, _ in self._found(text[:30]) if text.startswith(form)), key=len, default="")

    def detect(self, title, text):
        """The deepest place the text is clearly about, or None.

        Mentions count for a place and all above it, ×10 in the title. From the provinces down,
        the place with the most wins, unless another ties (苏州、无锡、常州 → 江苏省) or, outside
        the title, it is named only once (a passing "学习借鉴江苏苏州的做法"). A place written
        before a masked one (湖南省某县, as sources that hide the county write) or right after the
        place it lies in (浙江省湖州市安吉县孝丰镇…, an address) is the text's own, like a place in
        the title."""
        found = self._found(title + "\n" + text)
        titled = _mentions(_spans(title, found))
        spans = _spans(text, found)
        own = _mentions(spans)
        masked = {place for _, end, place in spans if _MASKED.match(text, end)}
        # A place written right after a place it lies in (湖州市安吉县, 浙江省安吉县) is an
        # address: the text's own, as a masked one is.
        ends = {(end, place) for _, end, place in spans}
        addressed = {place for start, _, place in spans if any((start, above) in ends for above in _above(place))}
        for place, count in titled.items():
            own[place] += 10 * count
        support, named_as_own = Counter(), set()
        for place, count in own.items():
            node = place
            while node is not None:
                support[node] += count
                if place in titled or place in masked or place in addressed:
                    named_as_own.add(node)
                node = node.parent
        chosen, level = None, [place for place in self.children[None] if support[place]]
        while level:
            ranked = sorted(level, key=support.__getitem__, reverse=True)
            best = support[ranked[0]]
            if (len(ranked) > 1 and best == support[ranked[1]]) or (best < 2 and ranked[0] not in named_as_own):
                break
            chosen = ranked[0]
            level = [place for place in self.children[chosen] if support[place]]
        return chosen

    def from_towns(self, text):
        """(county, town names) when ≥ 2 township names of the text lie in one county only —
        for sources that mask their city ("*市"); else (None, [])."""
        starts = {text[i : i + 2] for i in range(len(text) - 1)}
        found = {
            town: places
            for town, places in gazetteer().towns.items()
            if town[:2] in starts and len(town) >= 3 and len(places) <= COMMON_TOWN and town in text
        }
        votes = Counter(place for places in found.values() for place in set(places))
        ranked = votes.most_common(2)
        if not ranked or ranked[0][1] < 2 or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
            return None, []
        county = ranked[0][0]
        return county, sorted(town for town, places in found.items() if county in places)

    def region(self, place):
        """The taxonomy's Region for `place`, or a new, unsaved one (and unsaved parents) to add."""
        if place.chain in self.regions:
            return self.regions[place.chain]
        parent = self.region(place.parent) if place.parent else None
        region = Region(name=place.name, parent=parent, level=self.levels[place], full_name=place.full_name)
        self.regions[place.chain] = region  # the document's other drafts share it, saved once
        return region


def saved_region(region):
    """`region`, saved with its parents if the importer made it (the same names saved once)."""
    if region is None or region.pk:
        return region
    parent = saved_region(region.parent)
    existing = Region.objects.filter(parent=parent, name=region.name).first()
    if existing:
        return existing
    region.parent = parent
    region.save()
    return region
