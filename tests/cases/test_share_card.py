"""A case's share image: one per case and per version of what it shows, drawn on publish."""

import io
import re

import pytest
from django.core.files.storage import default_storage
from PIL import Image
from wagtail.models import PageViewRestriction

from cases import share_card
from cases.models import CasePage
from tests.conftest import SEED_SLUGS

pytestmark = pytest.mark.django_db


def og_image(client, case):
    html = client.get(case.url).content.decode()
    (address,) = re.findall(r'<meta property="og:image" content="http://testserver([^"]+)"', html)
    return address


def fetched(client, address):
    response = client.get(address)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert "immutable" in response["Cache-Control"]
    return b"".join(response.streaming_content)


def test_each_case_shares_its_own_card(client):
    assert share_card.font_path(), "the machine has a Chinese font (make install puts one there)"
    cards = {}
    for slug in SEED_SLUGS:
        case = CasePage.objects.get(slug=slug)
        address = og_image(client, case)
        assert address == share_card.address(case)
        image = Image.open(io.BytesIO(fetched(client, address)))
        assert image.size == (1200, 630) and image.format == "PNG"
        cards[slug] = image.tobytes()
    assert len(set(cards.values())) == len(SEED_SLUGS)


def test_a_card_is_drawn_once_and_then_read(client, monkeypatch):
    case = CasePage.objects.get(slug="wuchang-1-3")
    drawn = []
    render = share_card.render
    monkeypatch.setattr(share_card, "render", lambda lines: drawn.append(lines) or render(lines))
    for _ in range(3):
        fetched(client, share_card.address(case))
    assert len(drawn) <= 1  # the seed load's publish may have drawn it already


def test_publishing_a_change_draws_a_new_card_and_forgets_the_old(client):
    case = CasePage.objects.get(slug="xingshan-lianghui-liangping")
    old_address, old_name = share_card.address(case), share_card.stored(case)
    case.title = "兴山县“两会两评”"
    case.save_revision().publish()
    case.refresh_from_db()
    new_name = f"share/case-{case.pk}-{share_card.version(case)}.png"
    assert default_storage.exists(new_name), "drawn when published, before anyone asks"
    assert not default_storage.exists(old_name)
    assert og_image(client, case) == share_card.address(case) != old_address
    # a link shared before the change still shows the case, as it is now
    response = client.get(old_address)
    assert response.status_code == 302 and response["Location"] == share_card.address(case)


def test_the_card_shows_what_the_case_says(client):
    case = CasePage.objects.get(slug="wuchang-1-3")
    figure = case.key_figures.first()
    title, place, model_name, value, label = share_card.card_lines(case)
    assert (title, model_name) == (case.title, case.model_name)
    assert case.place in place and case.years in place
    assert (value, label) == (f"{figure.value}{figure.unit}", figure.label)


def test_unpublished_and_private_cases_have_no_card(client):
    private = CasePage.objects.get(slug="sunan-nongcun-shequ")
    address = share_card.address(private)
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    assert client.get(address).status_code == 404
    unpublished = CasePage.objects.get(slug="wuchang-1-3")
    address = share_card.address(unpublished)
    unpublished.unpublish()
    assert client.get(address).status_code == 404


def test_without_a_chinese_font_the_site_image_stands_in(client, monkeypatch):
    case = CasePage.objects.get(slug="shangnan-gongjian-gongfu")
    monkeypatch.setattr(share_card, "font_path", lambda: None)
    response = client.get(share_card.address(case))
    assert response.status_code == 302 and response["Location"].endswith("share-default.png")


@pytest.mark.parametrize(
    "text, lines",
    [
        ("一二三四（五六）", ["一二三四", "（五六）"]),  # no line ends with an opening bracket
        ("一二三四。）五六", ["一二三", "四。）五六"]),  # nor starts with closing punctuation
        ("一二三四五六七八九十一二三四五", ["一二三四五", "六七八九十", "一二三四五"]),
        ("一二三四五六七八九十一二三四五六", ["一二三四五", "六七八九十", "一二三四…"]),
    ],
)
def test_titles_wrap_as_chinese_is_set(text, lines):
    draw = share_card.ImageDraw.Draw(Image.new("RGB", (1, 1)))
    font = share_card._font(20)
    assert share_card._wrapped(draw, text, font, 5 * draw.textlength("一", font=font), 3) == lines


def test_an_address_no_case_can_have_is_a_404_not_an_error(client):
    assert client.get(f"/share/cases/{'9' * 25}/{'0' * 16}.png").status_code == 404
    assert client.get(f"/share/cases/999999999/{'0' * 16}.png").status_code == 404


def test_a_card_that_cannot_be_drawn_or_stored_gives_the_site_image(client, monkeypatch):
    case = CasePage.objects.get(slug="zhucheng-chengxiang-lianjian")

    def broken(*args, **kwargs):
        raise OSError("read-only file system")

    monkeypatch.setattr(share_card.default_storage, "save", broken)
    monkeypatch.setattr(share_card.default_storage, "exists", lambda name: False)
    response = client.get(share_card.address(case))
    assert response.status_code == 302 and response["Location"].endswith("share-default.png")


def test_a_long_figure_is_set_smaller_to_fit_its_box():
    draw = share_card.ImageDraw.Draw(Image.new("RGB", (1, 1)))
    assert share_card.figure_size(draw, "751个") == 80
    size = share_card.figure_size(draw, "3000多万元")
    assert size < 80
    assert draw.textlength("3000多万元", font=share_card._font(size)) <= share_card.FIGURE_WIDTH
