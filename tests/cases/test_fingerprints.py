"""Case bodies made comparable: one fingerprint for the same text however it is written."""

import pytest

from cases.fingerprints import body_text, fingerprint, overlap
from cases.models import CasePage


def test_spacing_punctuation_and_script_do_not_change_the_fingerprint():
    text = "兴山县推行“两会两评”，党员联系群众。"
    assert (
        fingerprint(text) == fingerprint("興山縣推行 '兩會兩評' , 黨員聯繫群眾.") != fingerprint("兴山县推行两会两评")
    )
    assert fingerprint("，。 ") == ""
    assert fingerprint("推行1加3模式") == fingerprint("推行“1+3”模式")  # search.text.fold's plus


def test_overlap_is_the_share_of_the_shorter_text_the_other_holds():
    text = "五常市委组织部在总结二河乡新庄村首创的模式试点经验基础上全市推广"
    assert overlap(text, text + "另有新的内容若干") == 1.0
    assert overlap(text, "完全不同的一段文字讲的是别的事情没有任何共同之处") == 0.0
    assert overlap("", text) == 0.0


@pytest.mark.django_db
def test_every_case_carries_the_fingerprint_of_its_body():
    """Kept by save() and filled for cases saved before the column (migration 0008) alike."""
    for case in CasePage.objects.all():
        assert case.body_fingerprint == fingerprint(body_text(case.body.raw_data)) != "", case.slug


def test_the_order_a_database_hands_back_a_blocks_keys_in_does_not_matter():
    written = [{"type": "section", "value": {"kind": "做法", "heading": "主要做法", "text": "<p>推行网格化。</p>"}}]
    read_back = [{"type": "section", "value": {"kind": "做法", "text": "<p>推行网格化。</p>", "heading": "主要做法"}}]
    assert fingerprint(body_text(written)) == fingerprint(body_text(read_back))
