"""The townships and villages a case's text names within its region, kept on the case so that
search knows them as words — typed in Chinese or in pinyin (平水村, gufuzhen) — as it knows the
region. Townships are the gazetteer's, of the case's region; a village is a name ending in 村
written right after one of them (古夫镇平水村). Used by the case model and its migrations."""

import re
from collections import defaultdict
from functools import cache

from search.text import to_simplified

from .fingerprints import body_text
from .gazetteer import gazetteer

# A township's name shorter than this (孙镇, 兴镇) is as likely part of another word (振兴镇域).
MIN_TOWN = 3
# A village's own name before 村, at most this long; not a word counting villages (各村, 全村).
_VILLAGE = re.compile(r"([\u4e00-\u9fff]{1,4}?村)")
_NOT_A_NAME = set("各全本该每一两几多诸某邻此")


@cache
def _towns_within():
    """A place's full name (黑龙江省哈尔滨市五常市, or a province or city) → its townships, longest first."""
    towns = defaultdict(set)
    for town, places in gazetteer().towns.items():
        if len(town) < MIN_TOWN:
            continue
        for place in places:
            for end in range(1, len(place.chain) + 1):
                towns["".join(place.chain[:end])].add(town)
    return {place: sorted(names, key=lambda name: (-len(name), name)) for place, names in towns.items()}


def places_named_in(text, region_full_name):
    """The townships of the region (full name) that `text` names, then the villages written
    right after one of them, each once, in that order."""
    text = to_simplified(text or "")
    towns = [town for town in _towns_within().get(region_full_name, ()) if town in text]
    villages = []
    for town in towns:
        for start in (match.end() for match in re.finditer(re.escape(town), text)):
            village = _VILLAGE.match(text, start)
            if village and village.group(1)[0] not in _NOT_A_NAME and village.group(1) not in villages:
                villages.append(village.group(1))
    return towns + villages


def refill_named_places(apps, schema_editor):
    """A data migration's step: every case's named places as save() finds them now. It reads
    raw block data and the region's stored full name only, not the model's code."""
    CasePage = apps.get_model("cases", "CasePage")
    for page in CasePage.objects.select_related("region").iterator():
        text = "\n".join([page.title, page.summary, body_text(page.body.raw_data)])
        found = places_named_in(text, page.region.full_name if page.region_id else "")
        CasePage.objects.filter(pk=page.pk).update(named_places="\n".join(found))
