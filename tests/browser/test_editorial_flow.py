"""An editor writes and submits a case in the admin; a reviewer approves it; it is live and found."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

TITLE = "浏览器测试案例：网格党建"


def test_editor_submits_reviewer_approves_case_goes_live(log_in, page):
    editor = log_in("bianji")
    editor.goto("/admin/pages/search/?q=案例库")
    library_link = editor.locator("a[href*='/admin/pages/'][href$='/']", has_text="案例库").first
    library_id = re.search(r"/admin/pages/(\d+)/", library_link.get_attribute("href")).group(1)

    editor.goto(f"/admin/pages/add/cases/casepage/{library_id}/")
    editor.fill("#id_title", TITLE)
    editor.fill("#id_summary", "推行网格化党建的浏览器测试摘要。")
    editor.locator(".c-sf-add-button").first.click()
    editor.get_by_text("段落", exact=True).first.click()
    editor.locator("input[name$='-value-heading']").fill("主要做法")
    editor.locator(".Draftail-Editor [contenteditable=true]").first.click()
    editor.keyboard.type("推行网格化党建。")
    editor.get_by_role("tab", name="分类").click()
    editor.get_by_role("button", name=re.compile("选择.*地区")).click()
    editor.locator(".modal-content input[name=q]").fill("兴山")
    editor.locator(".modal-content").get_by_role("link", name="湖北省宜昌市兴山县").click()
    editor.get_by_role("tab", name="来源").click()
    editor.fill("#id_source_title", "浏览器测试来源")
    editor.locator("footer [data-w-dropdown-target=toggle]").last.click()
    editor.get_by_role("button", name="提交给案例审核").click()
    expect(editor).to_have_url(re.compile(rf"/admin/pages/{library_id}/$"))

    anonymous = page
    anonymous.goto("/search/?q=网格党建")
    expect(anonymous.locator(".hit", has_text=TITLE)).to_have_count(0)

    reviewer = log_in("shenhe")
    expect(reviewer.get_by_text(TITLE)).to_be_visible()
    row = reviewer.locator("tr", has_text=TITLE)
    row.locator("[data-w-dropdown-target=toggle]").first.click()
    row.get_by_role("button", name="批准", exact=True).click()
    # The button posts the approval and reloads the dashboard, where the case no longer waits
    # and a message says it went live.
    expect(reviewer.locator("tr", has_text=TITLE)).to_have_count(0, timeout=15000)
    expect(reviewer.get_by_text(f"已批准并发布《{TITLE}》。")).to_be_visible()
    expect(reviewer).to_have_url(re.compile(r"/admin/$"))

    anonymous.goto("/search/?q=网格党建")
    expect(anonymous.locator(".hit__title")).to_have_text([TITLE])
    anonymous.locator(".hit__title a").click()
    expect(anonymous.locator("h1")).to_have_text(TITLE)


def test_a_paste_too_big_to_send_is_refused_and_stays_in_the_box(log_in):
    editor = log_in("bianji")
    editor.goto("/admin/cases/import/")
    box = editor.locator("textarea[name=text]")
    limit = int(box.get_attribute("data-max-bytes"))
    # Three UTF-8 bytes a character: one character past the limit.
    box.evaluate("(box, count) => { box.value = '党'.repeat(count); }", limit // 3 + 1)
    editor.get_by_role("button", name="导入为草稿").click()
    expect(editor.locator("[data-paste-refused]")).to_have_text(re.compile("粘贴的文字超过 .*没有提交"))
    expect(editor).to_have_url(re.compile("/admin/cases/import/$"))
    assert box.evaluate("box => box.value.length") == limit // 3 + 1
