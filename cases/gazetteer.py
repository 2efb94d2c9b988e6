"""China's administrative divisions, for finding the place a document is about.

The region taxonomy holds the places that have cases; a new document can be about any of about
3,000 counties. fixtures/gazetteer.tsv (the National Bureau of Statistics' 2023 division codes,
see fixtures/make_gazetteer.py) lists every province, city and county with its townships; the
importer matches a text against it and adds to the taxonomy the regions its drafts need.
"""

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from django.conf import settings

from .taxonomy import Region

GAZETTEER = settings.BASE_DIR / "fixtures" / "gazetteer.tsv"
_PROVINCE_SUFFIX = re.compile(r"(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)$")
_PLACE_SUFFIX = re.compile(r"(市|县|区|旗|自治县|自治旗|林区|特区)$")


@dataclass(frozen=True)
class Place:
    """A province, city or county, as the chain of names from its province down."""

    chain: tuple

    @property
    def name(self):
        return self.chain[-1]

    @property
    def full_name(self):
        return "".join(self.chain)

    @property
    def parent(self):
        return Place(self.chain[:-1]) if len(self.chain) > 1 else None

    @property
    def short_name(self):
        """The name without its kind: 浙江 (浙江省), 广西 (广西壮族自治区), 安吉 (安吉县); "" if too short."""
        suffix = _PROVINCE_SUFFIX if len(self.chain) == 1 else _PLACE_SUFFIX
        short = suffix.sub("", self.name)
        return short if short != self.name and len(short) >= 2 else ""


@dataclass
class Gazetteer:
    levels: dict  # every Place, provinces first → its Region level (省, 市, 县)
    towns: dict  # township name → the Places (counties, or cities without counties) having one


@cache
def gazetteer():
    levels, towns = {}, defaultdict(list)
    for line in GAZETTEER.read_text(encoding="utf-8").splitlines():
        province, city, county, township_names = line.split("\t")
        levels[Place((province,))] = Region.PROVINCE
        chain = (province,)
        if city:
            chain += (city,)
            levels[Place(chain)] = Region.CITY
        if county != city:  # 东莞市, 中山市: cities with no county level
            chain += (county,)
            levels[Place(chain)] = Region.COUNTY
        for town in filter(None, township_names.split(",")):
            towns[town].append(Place(chain))
    return Gazetteer(levels=levels, towns=dict(towns))
