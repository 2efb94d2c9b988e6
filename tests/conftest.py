"""Shared fixtures: the test database holds the site and the six seed cases, loaded once."""

import pytest
from django.conf import settings
from wagtail.models import Site

from cases.fixtures import load_cases, load_collections
from cases.models import CaseIndexPage, CasePage
from portal.setup import setup_portal
from search import known_words, meanings
from search.engines.database import catalogue
from search.text import vocabulary

SEED_SLUGS = [
    "wuchang-1-3",
    "zhucheng-chengxiang-lianjian",
    "sunan-nongcun-shequ",
    "shangnan-gongjian-gongfu",
    "xingshan-lianghui-liangping",
    "wengyuan-dangyuan-chuangye",
]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        setup_portal()
        load_cases(settings.FIXTURES_DIR / "cases")
        load_collections(settings.FIXTURES_DIR / "collections")


@pytest.fixture(autouse=True)
def fresh_catalogue():
    """Each test starts with no search catalogue, no place in the change journal, no sentences'
    vectors, and reads the vocabulary's terms afresh: the rollback of the test before sent no signals."""
    catalogue.forget()
    known_words.forget()
    meanings.forget()
    vocabulary.reset_terms()


@pytest.fixture
def case_index(db):
    return CaseIndexPage.objects.get()


@pytest.fixture
def site(db):
    return Site.objects.get(is_default_site=True)


@pytest.fixture
def seed_case(db):
    def get(slug):
        return CasePage.objects.get(slug=slug)

    return get
