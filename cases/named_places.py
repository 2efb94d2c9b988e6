"""The townships and villages a case's text names within its region, kept on the case so that
search knows them as words — typed in Chinese or in pinyin (平水村, gufuzhen) — as it knows the
region. Townships are the gazetteer's, of the case's county or city; a village is a name ending
in 村 written right after one of them (古夫镇平水村). Used by the case model and its migrations."""

import re
from collections import defaultdict
from functools import cache

from search.text import to_simplified

from .fingerprints import body_text
from .gazetteer import gazetteer

# A township is a 镇, 乡 or 街道 (not a development zone or a farm the gazetteer lists beside them),
# of three characters or more: 孙镇, 兴镇 are as likely part of another word (振兴镇域).
_TOWNSHIP = re.compile(r"^[\u4e00-\u9fff]+(镇|乡|街道)$")
MIN_TOWN = 3
# A village: two to four characters and 村, right after its township (古夫镇平水村, 古夫镇的平水村),
# not a word counting villages (各村, 所辖村) nor one ending like a name (新农村, 乡村, 驻村, 进村).
_VILLAGE = re.compile(r"[的和与及、]?([\u4e00-\u9fff]{2,4}?村)")
_NOT_A_NAME = set("各全本该每一两几多诸某邻此所的和与及、")
_NOT_BEFORE_VILLAGE = set("农乡进驻入到在下回出返辖")
# Kinds of village a text names after a township (古夫镇贫困村): words, not names.
_KINDS_OF_VILLAGE = frozenset(
    "贫困 试点 示范 重点 周边 美丽 中心 行政 自然 空壳 先进 后进 软弱 涣散 薄弱 落后 偏远 边远 "
    "城中 城郊 移民 民族 红色 文明 富裕 小康 特色 生态 样板 扶贫 帮扶 结对 联建 合并".split()
)


@cache
def _towns_within():
    """A county's or a city's full name (湖北省宜昌市兴山县) → its townships, longest first. Not a
    province's: a township named in a text about a whole province could be any of hundreds."""
    towns = defaultdict(set)
    for town, places in gazetteer().towns.items():
        if len(town) < MIN_TOWN or not _TOWNSHIP.match(town):
            continue
        for place in places:
            for end in range(2, len(place.chain) + 1):
                towns["".join(place.chain[:end])].add(town)
    return {place: sorted(names, key=lambda name: (-len(name), name)) for place, names in towns.items()}


@cache
def _all_towns():
    """Every township's name, anywhere."""
    return frozenset(gazetteer().towns)


# A word that stands before a place without being part of its name (对青山镇…, though 对青山镇
# is a township too, elsewhere).
_BEFORE_A_PLACE = set("对在从到和与及向于由把的、")


def _named_at(text, town):
    """Where `text` names `town` (the end of each mention), not as the tail of another
    township's name (车站街道 in 火车站街道)."""
    return [
        match.end()
        for match in re.finditer(re.escape(town), text)
        if match.start() == 0
        or text[match.start() - 1] in _BEFORE_A_PLACE
        or not any(
            text[match.start() - back : match.end()] in _all_towns() for back in range(1, min(3, match.start()) + 1)
        )
    ]


def places_named_in(text, region_full_name):
    """The townships of the region (a county's or city's full name) that `text` names, then the
    villages written right after one of them, each once, in that order."""
    text = to_simplified(text or "")
    towns, villages = [], []
    for town in _towns_within().get(region_full_name, ()):
        ends = _named_at(text, town)
        if ends:
            towns.append(town)
        for end in ends:
            village = _VILLAGE.match(text, end)
            name = village and village.group(1)
            if (
                name
                and name[0] not in _NOT_A_NAME
                and name[-2] not in _NOT_BEFORE_VILLAGE
                and not any(name[:-1].endswith(kind) for kind in _KINDS_OF_VILLAGE)
                and name not in villages
            ):
                villages.append(name)
    return towns + villages


def refill_named_places(apps, schema_editor):
    """A data migration's step: every case's named places as save() finds them now. It reads
    raw block data and the region's stored full name only, not the model's code."""
    CasePage = apps.get_model("cases", "CasePage")
    for page in CasePage.objects.select_related("region").iterator():
        text = "\n".join([page.title, page.summary, body_text(page.body.raw_data)])
        found = places_named_in(text, page.region.full_name if page.region_id else "")
        CasePage.objects.filter(pk=page.pk).update(named_places="\n".join(found))
