"""What cadres and trainers do on the public site, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from cases.comparing import MAX_COMPARED

pytestmark = pytest.mark.browser


def test_search_facet_case_and_compare(page):
    page.goto("/")
    page.get_by_label("搜索案例").fill("两会两评")
    page.get_by_label("搜索案例").press("Enter")
    expect(page.locator("h1")).to_contain_text("两会两评")
    expect(page.locator(".hit").first).to_contain_text("兴山县")

    page.locator(".filter-panel > summary").click()  # the phone's 筛选 control
    page.locator(".filter-panel .facet a", has_text="湖北省").click()
    expect(page).to_have_url(re.compile(r"region="))
    expect(page.locator(".active-filters")).to_contain_text("湖北省")

    page.locator(".hit__title a").first.click()
    expect(page.locator("h1")).to_have_text("兴山县农村党建“两会两评”模式")
    page.get_by_role("link", name="加入对比").click()
    expect(page).to_have_url(re.compile(r"/compare/\?cases=xingshan-lianghui-liangping"))
    page.get_by_label("加入对比：").select_option(label="五常市农村党建“1+3模式”")
    page.get_by_role("button", name="加入").click()
    headers = page.locator("table.compare thead th")
    expect(headers).to_have_count(3)
    expect(page.locator("table.compare")).to_contain_text("1+3模式")
    expect(page.locator("table.compare")).to_contain_text("两会两评")


def test_suggestions_read_pinyin_and_slips_and_open_what_is_picked(page):
    """Shown as a list of their own: a <datalist> would hide every option not holding jtjj."""
    page.goto("/")
    box = page.get_by_label("搜索案例")
    box.press_sequentially("jtjj", delay=30)
    term = page.get_by_role("option").filter(has_text="集体经济薄弱")
    expect(term).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    term.click()  # a term is searched
    expect(page.locator("h1")).to_contain_text("集体经济薄弱")

    box.fill("")
    box.press_sequentially("两会两平", delay=30)  # a slip: what the search would read it as
    first = page.get_by_role("option").first
    expect(first).to_contain_text("兴山县农村党建“两会两评”模式")
    box.press("ArrowDown")
    expect(first).to_have_attribute("aria-selected", "true")
    box.press("Enter")  # a case opens at once
    expect(page.locator("h1")).to_have_text("兴山县农村党建“两会两评”模式")

    box.press_sequentially("xingshan", delay=30)
    expect(page.get_by_role("listbox")).to_be_visible()
    box.press("Escape")
    expect(page.get_by_role("listbox")).to_be_hidden()
    box.press("Enter")  # with none picked, Enter searches what was typed
    expect(page.locator("h1")).to_contain_text("xingshan")


def test_pinyin_read_as_words_is_offered_first_and_searched(page):
    page.goto("/")
    box = page.get_by_label("搜索案例")
    box.press_sequentially("cunganbu", delay=30)  # a word only the cases' texts use
    first = page.get_by_role("option").first
    expect(first).to_contain_text("村干部")
    first.click()
    expect(box).to_have_value("村干部")
    expect(page.locator("h1")).to_contain_text("“村干部”的搜索结果")


def test_a_suggestion_tapped_on_a_phone_is_searched(browser, portal):
    context = browser.new_context(
        base_url=portal, locale="zh-CN", viewport={"width": 375, "height": 667}, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    page.goto("/")
    box = page.get_by_label("搜索案例")
    box.tap()
    box.press_sequentially("jtjj", delay=30)
    page.get_by_role("option").filter(has_text="集体经济薄弱").tap()
    expect(page.locator("h1")).to_contain_text("集体经济薄弱")
    # Emptied and typed again, the same words are suggested again.
    box.fill("")
    box.press_sequentially("jtjj", delay=30)
    expect(page.get_by_role("option").filter(has_text="集体经济薄弱")).to_be_visible()
    context.close()


def test_a_mistyped_link_lands_on_the_portals_own_page_styled(page):
    """As `make demo` serves it: the Chinese 404 page, not Django's debug page, with the site's
    stylesheet (static files are served without DEBUG too)."""
    response = page.goto("/cases/no-such-case/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("找不到这个页面")
    expect(page.locator("body")).not_to_contain_text("DEBUG")
    assert page.evaluate("[...document.styleSheets].some(sheet => sheet.href && sheet.cssRules.length > 0)")


def test_browse_by_theme_and_by_province(page):
    page.goto("/cases/")
    page.locator(".browse a", has_text="农村社区建设").first.click()
    expect(page.locator(".case-card h3")).to_have_text(["苏南地区积极探索农村社区党建工作新模式"])

    page.goto("/")
    page.locator(".province-map a", has_text="山东").click()
    expect(page).to_have_url(re.compile(r"/cases/\?region="))
    expect(page.locator(".case-card h3")).to_have_count(1)
    expect(page.locator(".case-card h3")).to_contain_text("诸城")


def test_training_collection_and_print_view(page):
    page.goto("/training/")
    page.get_by_role("link", name="城乡统筹与结对共建").click()
    expect(page.locator(".collection-cases > li")).to_have_count(3)
    page.get_by_role("link", name="打印版讲义").click()
    expect(page).to_have_url(re.compile(r"/print/$"))
    expect(page.locator(".handout__cover svg.qr")).to_have_count(1)  # the collection's own
    expect(page.locator(".handout__case svg.qr")).to_have_count(3)
    expect(page.locator("nav ol li")).to_have_count(3)


def test_skip_link_and_keyboard_focus(page):
    page.goto("/cases/wuchang-1-3/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    assert skip.bounding_box()["x"] >= 0  # visible when focused
    outline = skip.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('main') !== null")
    assert focused


def test_a_cadre_describes_her_problem_on_her_phone(page):
    """我遇到的问题: above the fold at 375×667, a description finds the cases filed under the
    problem it names, and the problem list's entries are big enough to tap."""
    page.goto("/")
    box = page.get_by_label("描述您遇到的问题，找解决过同样难题的案例")
    expect(box).to_be_in_viewport()
    first_problem = page.locator(".problem-list a").first
    expect(first_problem).to_be_in_viewport()
    assert first_problem.bounding_box()["height"] >= 44
    box.fill("村里党员老龄化，怎么办")
    box.press("Enter")
    expect(page.locator(".recognised")).to_contain_text("针对难题：党员队伍老化")
    expect(page.locator(".hit").first).to_be_visible()
    page.locator(".recognised a", has_text="党员队伍老化").click()
    expect(page.locator(".active-filters")).to_contain_text("党员队伍老化")


def test_a_typo_is_corrected_and_can_be_searched_as_typed(page):
    page.goto("/search/?q=共建共付")
    expect(page.locator(".did-you-mean")).to_contain_text("您是不是要找：共建共富")
    expect(page.locator(".hit").first).to_contain_text("商南县")
    page.get_by_role("link", name="仍按“共建共付”搜索").click()
    expect(page.locator(".did-you-mean")).to_have_count(0)


@pytest.mark.parametrize("start", ["/cases/", "/search/?q=党建"])
def test_filters_open_from_the_top_of_the_list_on_a_phone(page, start):
    """At 375×667 the 筛选 control is on the first screen; it opens the facets without a
    script, a problem narrows the list, and the chosen filter is a chip that removes it."""
    page.goto(start)
    control = page.locator(".filter-panel > summary")
    expect(control).to_be_in_viewport()
    assert control.bounding_box()["height"] >= 44
    expect(page.locator(".facets")).to_be_hidden()  # the desktop column is not repeated below
    control.click()
    problem = page.locator(".filter-panel a[href*='problem=']").first
    expect(problem).to_be_visible()
    name = problem.inner_text().split()[0]
    problem.click()
    chip = page.locator(".active-filters a", has_text=name)
    expect(chip).to_be_visible()
    chip.click()
    expect(page.locator(".active-filters")).to_have_count(0)


def test_on_a_desktop_the_facets_stay_in_their_column(browser, portal):
    context = browser.new_context(base_url=portal, locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto("/search/?q=党建")
    expect(page.locator(".facets")).to_be_visible()
    expect(page.locator(".filter-panel")).to_be_hidden()
    context.close()


@pytest.mark.parametrize("width", [375, 1366])
@pytest.mark.parametrize("start", ["/cases/", "/search/"])
def test_two_problems_chosen_list_the_cases_of_either(browser, portal, start, width):
    """A second value of a filter adds its cases (any of them); its chip takes just it away."""
    context = browser.new_context(base_url=portal, locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(start)
    phone = width < 768
    where = ".filter-panel" if phone else (".browse" if start == "/cases/" else ".facets")

    def choose():
        """The first problem not chosen yet: (its name, its count)."""
        if phone:
            page.locator(".filter-panel > summary").click()
        link = page.locator(f"{where} [data-facet=problem] a:not(.is-active)").first
        name, count = link.inner_text().split()[:2]
        link.click()
        return name, int(count)

    def listed():
        return int(re.search(r"共(?:找到)? (\d+) 个案例", page.locator(".result-count").inner_text()).group(1))

    first, first_count = choose()
    assert listed() == first_count
    second, second_count = choose()
    chips = page.locator(".active-filters")
    expect(chips).to_contain_text(first)
    expect(chips).to_contain_text(second)
    assert max(first_count, second_count) <= listed() <= first_count + second_count
    page.locator(".active-filters a", has_text=first).click()
    expect(chips).not_to_contain_text(first)
    expect(chips).to_contain_text(second)
    assert listed() == second_count
    context.close()


@pytest.mark.parametrize("phone", [True, False])
def test_the_wechat_code_says_who_scans_it(browser, portal, phone):
    """On a phone the code is for a colleague to scan from its screen; on a computer, for the
    reader's own phone."""
    size = {"width": 375, "height": 667} if phone else {"width": 1366, "height": 900}
    context = browser.new_context(base_url=portal, locale="zh-CN", viewport=size, has_touch=phone, is_mobile=phone)
    page = context.new_page()
    page.goto("/cases/xingshan-lianghui-liangping/")
    page.locator(".case__share summary").click()
    colleague, own_phone = page.locator(".on-this-phone"), page.locator(".on-screen-apart")
    expect(colleague if phone else own_phone).to_be_visible()
    expect(own_phone if phone else colleague).to_be_hidden()
    context.close()


def test_the_compare_tables_labels_stay_in_view_on_a_phone(browser, portal):
    context = browser.new_context(base_url=portal, locale="zh-CN", viewport={"width": 375, "height": 667})
    page = context.new_page()
    page.goto("/compare/?cases=xingshan-lianghui-liangping,shangnan-gongjian-gongfu,wuchang-1-3")
    # The way to add a case comes before the table, not after all of it.
    add = page.get_by_label("加入对比：").bounding_box()
    assert add["y"] < page.locator("table.compare").bounding_box()["y"]
    page.locator(".compare-scroll").evaluate("box => { box.scrollLeft = box.scrollWidth; }")
    label = page.locator("table.compare tbody th", has_text="地区")
    assert 0 <= label.bounding_box()["x"] < 40
    context.close()


def test_adding_to_compare_from_case_after_case_adds_up(page):
    page.goto("/cases/xingshan-lianghui-liangping/")
    page.get_by_role("link", name="加入对比").click()
    expect(page.locator("table.compare thead th")).to_have_count(2)
    page.goto("/cases/wuchang-1-3/")
    page.get_by_role("link", name="加入对比").click()
    expect(page).to_have_url(re.compile(r"cases=xingshan-lianghui-liangping,wuchang-1-3$"))
    expect(page.locator("table.compare thead th")).to_have_count(3)
    # Taken out on the compare page, a case stays out of the next addition.
    page.locator("thead th", has_text="兴山").get_by_role("link", name="移出对比").click()
    page.goto("/cases/zhucheng-chengxiang-lianjian/")
    page.get_by_role("link", name="加入对比").click()
    expect(page).to_have_url(re.compile(r"cases=wuchang-1-3,zhucheng-chengxiang-lianjian$"))


def test_the_case_library_lets_no_more_cases_be_ticked_than_can_be_compared(page):
    page.goto("/cases/")
    boxes = page.get_by_label("选入对比")
    assert boxes.count() > MAX_COMPARED  # the seeds: more cases than a comparison holds
    for index in range(MAX_COMPARED):
        boxes.nth(index).check()
    expect(boxes.nth(MAX_COMPARED)).to_be_disabled()
    boxes.nth(0).uncheck()
    expect(boxes.nth(MAX_COMPARED)).to_be_enabled()
    boxes.nth(MAX_COMPARED).check()
    page.get_by_role("button", name="对比所选案例").click()
    expect(page.locator("table.compare thead th")).to_have_count(MAX_COMPARED + 1)
    expect(page.locator(".notice--warning")).to_have_count(0)  # nothing left out


def test_a_listing_of_one_case_offers_no_comparison(page):
    page.goto("/cases/?problem=党员队伍老化&region=湖北省")
    expect(page.locator(".result-count")).to_have_text("共 1 个案例")
    expect(page.get_by_role("button", name="对比所选案例")).to_have_count(0)
    expect(page.get_by_role("link", name="加入对比")).to_have_count(1)
