"""The admin in Chinese as the browser draws it: the sidebar and side panels are drawn by
JavaScript (Wagtail's djangojs catalog and the project's), which the ordinary suite cannot see."""

import re

import pytest

from tests.admin_language import english_words

pytestmark = pytest.mark.browser

# What a reader sees or hears: the text of what is shown (screen-reader-only text included) and
# the labels of shown elements.
SHOWN_TEXT = """() => {
    const texts = [document.body.innerText];
    for (const element of document.querySelectorAll('[aria-label], [title], [placeholder], img[alt]')) {
        if (element.closest('[hidden], [aria-hidden=true]') || !element.getClientRects().length) continue;
        for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
            if (element.getAttribute(name)) texts.push(element.getAttribute(name));
        }
    }
    return texts;
}"""


def english_shown(page, username):
    """The English words shown, but the user's own name (data, not interface)."""
    return english_words(page.evaluate(SHOWN_TEXT)) - {username}


@pytest.mark.parametrize("username", ["bianji", "shenhe"])
def test_the_sidebar_and_the_editors_side_panels_are_in_chinese(log_in, username):
    admin = log_in(username)
    admin.locator("[data-wagtail-sidebar] nav").first.wait_for()
    found = {"/admin/": english_shown(admin, username)}
    for menu in admin.locator(".sidebar-menu-item__link[aria-haspopup]").all():
        menu.click()  # a submenu's items are drawn when it opens
        found[f"/admin/ {menu.inner_text()}"] = english_shown(admin, username)
        admin.keyboard.press("Escape")

    admin.goto("/admin/pages/search/?q=兴山")
    edit = admin.locator("a[href$='/edit/']", has_text="兴山").first.get_attribute("href")
    admin.goto(edit)
    admin.locator("[data-side-panel-toggle]").first.wait_for()
    for toggle in admin.locator("[data-side-panel-toggle]").all():
        toggle.click()
        admin.wait_for_timeout(300)  # the checks panel counts words and reading time as it opens
        found[f"{edit} {toggle.get_attribute('aria-label')}"] = english_shown(admin, username)
    assert {where: sorted(words) for where, words in found.items() if words} == {}
    assert re.search(r"[\u4e00-\u9fff]", admin.locator("body").inner_text())
