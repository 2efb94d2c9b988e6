"""WCAG 2.1 A/AA (axe-core), phone layout at 375×667 (and 320 px wide) and page weight, on the main pages."""

import pytest

pytestmark = pytest.mark.browser

PAGES = {
    "home": "/",
    "case library": "/cases/",
    "case page": "/cases/xingshan-lianghui-liangping/",
    "search results": "/search/?q=党建",
    "search without results": "/search/?q=量子计算",
    "search with a word no case uses": "/search/?q=合作社 火箭",
    "search offering cases possibly related": "/search/?q=村里的老人都信教了怎么办",
    "search for a pasted address": "/search/?q=http://www.gov.cn/zhengce/content/2019-01/10/content_5356764.htm",
    "compare": "/compare/?cases=wuchang-1-3,zhucheng-chengxiang-lianjian",
    "training collection": "/training/chengxiang-tongchou/",
    "print view": "/training/chengxiang-tongchou/print/",
    "statistics": "/stats/",
}
MAX_PAGE_BYTES = 150 * 1024


@pytest.mark.parametrize("name", PAGES)
def test_no_wcag_violations(page, axe_violations, name):
    blocked = []
    page.on("console", lambda message: "Content Security Policy" in message.text and blocked.append(message.text))
    page.goto(PAGES[name])
    assert page.evaluate("document.documentElement.lang") == "zh-Hans"
    assert axe_violations() == []
    assert blocked == [], "the page's own resources must pass its Content-Security-Policy"


@pytest.mark.parametrize("name", PAGES)
def test_phone_layout(page, name):
    page.goto(PAGES[name])
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"横向滚动：{widths}"
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 16
    small_text = page.evaluate("""() => [...document.querySelectorAll('main p, main li, main dd, main td')]
        .filter(element => element.offsetParent !== null && element.closest('.case-card__meta, .meta, .source, figcaption, .figure-card, .count') === null)
        .filter(element => parseFloat(getComputedStyle(element).fontSize) < 16)
        .map(element => element.textContent.trim().slice(0, 30))""")
    assert small_text == []
    # Links inside running text are exempt (WCAG 2.5.5); everything else must be easy to tap.
    small_targets = page.evaluate("""() => [...document.querySelectorAll('a, button, input, select, summary')]
        .filter(element => element.getClientRects().length > 0 && !element.closest('[aria-hidden=true]'))
        .filter(element => !(getComputedStyle(element).display === 'inline' && element.closest('p, li, dd, td')
                             && element.closest('p, li, dd, td').textContent.trim() !== element.textContent.trim()))
        .map(element => element.closest('label') || element)  // a label is the tap target of its input
        .filter(element => { const box = element.getBoundingClientRect(); return box.height < 44 && box.width < 44 || box.height < 24; })
        .map(element => element.outerHTML.slice(0, 80))""")
    assert small_targets == []
    # The narrowest phones still in use: nothing scrolls sideways either.
    page.set_viewport_size({"width": 320, "height": 640})
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"320 px 时横向滚动：{widths}"


@pytest.mark.parametrize("name", PAGES)
def test_page_weight(page, name):
    sizes = []
    page.on(
        "response",
        lambda response: (
            sizes.append(len(response.body()))
            if response.request.resource_type in ("document", "stylesheet", "script")
            else None
        ),
    )
    page.goto(PAGES[name])
    page.wait_for_load_state("networkidle")
    assert 0 < sum(sizes) <= MAX_PAGE_BYTES


def test_sharing_tags(page):
    page.goto("/cases/wuchang-1-3/")
    for selector in (
        "link[rel=canonical]",
        "meta[property='og:title']",
        "meta[property='og:description']",
        "meta[property='og:image']",
        "meta[name=description]",
    ):
        assert page.locator(selector).count() == 1, selector
    assert "1+3模式" in page.title()
    assert page.locator("meta[property='og:title']").get_attribute("content") == "五常市农村党建“1+3模式”"
