"""Where a case happened: the gazetteer's places by the names a text gives them, and the
taxonomy's regions added when a draft needs one."""

import pytest

from cases.gazetteer import Place, gazetteer
from cases.importer.create import import_documents
from cases.importer.decode import read_paste
from cases.importer.places import PlaceFinder
from cases.taxonomy import Region

ANJI = "安吉县深入推进组织联建，安吉县各村党组织结对共建，安吉县村级集体经济全部超过100万元。"
INTRO = "近年来，各地探索党建引领乡村振兴的新路子，取得了明显成效。"


@pytest.fixture
def finder(db):
    return PlaceFinder(Region.objects.select_related("parent__parent"))


def detected(finder, text, title=""):
    place = finder.detect(title, text)
    return place.full_name if place else None


def test_the_gazetteer_lists_every_county_with_its_townships():
    places = gazetteer()
    assert Place(("浙江省", "湖州市", "安吉县")) in places.levels
    assert places.levels[Place(("北京市", "东城区"))] == "县"  # a municipality's districts: no city level
    assert places.levels[Place(("广东省", "东莞市"))] == "市"  # a city without counties
    assert Place(("山东省", "潍坊市", "诸城市")) in places.towns["石桥子镇"]
    assert len([place for place, level in places.levels.items() if level == "县"]) > 2800


@pytest.mark.django_db
def test_a_county_outside_the_taxonomy_is_found_with_its_city_and_province(finder):
    assert detected(finder, ANJI) == "浙江省湖州市安吉县"
    region = finder.region(finder.detect("", ANJI))
    assert region.pk is None and region.full_name == "浙江省湖州市安吉县" and region.province.name == "浙江省"
    assert (region.level, region.parent.level, region.province.level) == ("县", "市", "省")


@pytest.mark.django_db
def test_a_passing_mention_is_not_the_place(finder):
    assert detected(finder, ANJI + "学习借鉴江苏苏州的做法。") == "浙江省湖州市安吉县"
    assert detected(finder, INTRO + "学习借鉴江苏苏州的做法。") is None
    assert detected(finder, INTRO, title="学习苏州经验") == "江苏省苏州市"  # named in the title, it is the place


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text, expected",
    [
        # a county's short name alone is a word (和平, 光明), after its province or city a place
        ("坚持和平发展，光明正大，团结友谊。" * 3, None),
        ("浙江安吉的做法。湖州安吉的经验。", "浙江省湖州市安吉县"),
        # two-character names are inside longer ones (商南县 holds 南县): only after their province or city
        ("商南县" * 3, "陕西省商洛市商南县"),
        ("湖南南县" * 3, "湖南省益阳市南县"),
        # a city whose short name is a byword of party history is not named by it
        ("弘扬延安精神。" * 3, None),
        # a county the taxonomy has goes by its short name (湖北兴山)
        ("兴山的做法。" * 3, "湖北省宜昌市兴山县"),
    ],
)
def test_the_forms_a_place_is_named_by(finder, text, expected):
    assert detected(finder, text) == expected


@pytest.mark.django_db
def test_siblings_named_alike_give_their_city_and_a_shared_name_goes_by_its_city(finder):
    text = "宜昌市推行“红色物业”。兴山县、远安县、秭归县等地先行试点。宜昌市各区县全面推开。"
    assert detected(finder, text) == "湖北省宜昌市"
    assert detected(finder, "南京市鼓楼区" * 3) == "江苏省南京市鼓楼区"


@pytest.mark.django_db
def test_townships_place_a_text_that_masks_its_city(finder):
    text = "*市密州街道后黄疃居委会、昌城镇郑家河岔村、石桥子镇都吉台村组建联合党组织。"
    county, towns = finder.from_towns(text)
    assert county.full_name == "山东省潍坊市诸城市" and towns == ["密州街道", "昌城镇", "石桥子镇"]
    assert finder.from_towns("城关镇和新城镇都在推进。") == (None, [])  # names too many counties share


@pytest.mark.django_db
def test_a_new_region_is_added_once_with_its_parents_when_the_drafts_are_created(case_index):
    paste = "安吉县推行组织联建\n" + ANJI + "\n一、主要做法\n" + "安吉县把村党组织结对共建作为抓手，逐村落实责任。" * 3
    before = Region.objects.count()
    results = import_documents([read_paste(paste), read_paste(paste)], parent=case_index)
    assert Region.objects.count() == before + 3
    regions = {result.pages[0].region for result in results}
    assert [region.full_name for region in regions] == ["浙江省湖州市安吉县"]
    assert Region.objects.get(full_name="浙江省湖州市").parent.name == "浙江省"


@pytest.mark.django_db
def test_a_dry_run_adds_no_region(case_index):
    before = Region.objects.count()
    [result] = import_documents([read_paste("安吉县推行组织联建\n" + ANJI)], parent=case_index, dry_run=True)
    assert result.drafts[0].region.full_name == "浙江省湖州市安吉县"
    assert Region.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text, place",
    [
        ("湖南省某县某村党支部探索合作社模式，带动就业120名。", "湖南省"),
        ("近年来，江苏苏州某镇以党建引领合作社发展。", "江苏省苏州市"),
        # Named once, not masked: a passing mention, not the text's place.
        ("学习借鉴江苏苏州的做法，我们村党支部积极推进。", None),
        ("学习浙江某些村的做法，与上海某企业合作，我们村党支部积极推进。", None),
        # Written once, but as an address (after the place it lies in): the text's own.
        ("——四川省达州市大竹县石河镇党建工作纪实。镇里党员带头修路。", "四川省达州市大竹县"),
        ("我们是江西赣州寻乌县的一个山村，村党支部积极推进。", "江西省赣州市寻乌县"),
        ("——四川省大竹县石河镇党建工作纪实。镇里党员带头修路。", "四川省达州市大竹县"),  # its city left out
    ],
)
def test_a_place_written_before_a_masked_one_is_the_texts_own(finder, text, place):
    assert detected(finder, text) == place
