"""The townships and villages a case's text names within its region, kept on the case for search."""

import pytest
from django.apps import apps

from cases.models import CasePage
from cases.named_places import places_named_in, refill_named_places

XINGSHAN = "湖北省宜昌市兴山县"


def test_townships_of_the_region_and_the_villages_written_after_them():
    text = "兴山县古夫镇平水村由原来的8个村合并而成，古夫镇各村都建了理事会；深入峡口镇推广。"
    assert places_named_in(text, XINGSHAN) == ["古夫镇", "峡口镇", "平水村"]
    assert places_named_in("古夫镇平水村", "湖北省宜昌市") == ["古夫镇", "平水村"]  # a city's townships too
    assert places_named_in("古夫镇平水村", "黑龙江省哈尔滨市五常市") == []  # not this region's
    assert places_named_in("古夫镇平水村", "") == []
    assert places_named_in("古夫鎮平水村", XINGSHAN) == ["古夫镇", "平水村"]  # Traditional folded


def test_a_township_of_two_characters_is_not_taken_from_a_word():
    # 兴镇 is a township of 蒲城县: two characters are as likely part of another word.
    assert places_named_in("振兴镇域经济", "陕西省渭南市蒲城县") == []


def test_words_ending_like_a_village_or_a_township_are_not_places():
    words = ("美丽乡村", "新农村", "干部驻村", "党员进村", "所辖村", "各村", "的各村", "下辖村", "贫困村", "示范村")
    for text in (f"古夫镇{word}" for word in words):
        assert places_named_in(text, XINGSHAN) == ["古夫镇"], text
    assert places_named_in("古夫镇的平水村", XINGSHAN) == ["古夫镇", "平水村"]
    # After a word that is no part of a name, though 对青山镇 is a township elsewhere.
    assert places_named_in("要对青山镇的工作进行总结", "黑龙江省牡丹江市林口县") == ["青山镇"]
    # Inside another township's name (火车站街道 holds 车站街道), or a province's hundreds: not taken.
    assert places_named_in("沧州市火车站街道", "河北省沧州市新华区") == []
    assert places_named_in("沧州市车站街道", "河北省沧州市新华区") == ["车站街道"]
    assert places_named_in("兴山县古夫镇", "湖北省") == []
    # Not a township: the development zones and farms the gazetteer lists beside them.
    assert places_named_in("沙洋县沙洋新港区管理委员会", "湖北省荆门市沙洋县") == []


@pytest.mark.django_db
def test_every_case_carries_the_places_its_text_names():
    """Kept by save() and filled for cases saved before the column (migration 0012) alike."""
    xingshan = CasePage.objects.get(slug="xingshan-lianghui-liangping")
    assert {"古夫镇", "平水村"} <= set(xingshan.named_places.split())
    CasePage.objects.update(named_places="")
    refill_named_places(apps, None)
    assert {"古夫镇", "平水村"} <= set(CasePage.objects.get(pk=xingshan.pk).named_places.split())
    for case in CasePage.objects.all():
        saved = case.named_places
        case.save()
        assert case.named_places == saved, case.slug
