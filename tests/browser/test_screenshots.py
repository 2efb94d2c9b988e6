"""Pictures for people to look at, saved with the test run (screenshots/): a case
page on a phone and a desktop, its print preview (screenshot and A4 PDF) and its share image."""

import io
import re
from pathlib import Path

import pytest
from PIL import Image

pytestmark = pytest.mark.browser

# Beside test-results/, which pytest-playwright empties at the start of every pytest run.
FOLDER = Path(__file__).resolve().parents[2] / "screenshots"


@pytest.fixture
def case_url(page):
    page.goto("/cases/")
    return page.locator(".case-grid a[href^='/cases/']").first.get_attribute("href")


def test_a_case_page_its_print_preview_and_its_share_image(browser, portal, page, case_url):
    FOLDER.mkdir(parents=True, exist_ok=True)
    page.goto(case_url)
    page.screenshot(path=FOLDER / "case-375.png", full_page=True)
    desktop = browser.new_page(base_url=portal, locale="zh-CN", viewport={"width": 1366, "height": 900})
    desktop.goto(case_url)
    desktop.screenshot(path=FOLDER / "case-1366.png", full_page=True)

    desktop.emulate_media(media="print")
    assert not desktop.get_by_text("加入对比").is_visible()  # no buttons on paper
    desktop.screenshot(path=FOLDER / "case-print.png", full_page=True)
    pdf = desktop.pdf(path=FOLDER / "case-print.pdf", format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")

    address = page.locator("meta[property='og:image']").get_attribute("content")
    assert re.search(r"/share/cases/\d+/[0-9a-f]{16}\.png$", address)
    response = page.request.get(address)
    assert response.ok
    (FOLDER / "case-share.png").write_bytes(response.body())
    assert Image.open(io.BytesIO(response.body())).size == (1200, 630)
    desktop.close()
