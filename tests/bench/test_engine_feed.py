"""bench.engine's generated documents: the case index's own shape, so that the strict mapping
takes them, and the same kinds of values a published case's document holds."""

import pytest

from bench.corpus import SeedPool
from bench.engine import _generated_documents, _vocabulary
from cases.models import CasePage
from search.engines.elasticsearch.documents import CaseDocument, case_document, cases_to_index
from search.text import index_text

pytestmark = pytest.mark.django_db


def test_generated_documents_have_every_field_of_a_case_document_and_no_other():
    mapped = set(CaseDocument._doc_type.mapping.to_dict()["properties"])
    real = case_document(cases_to_index().get(slug="wuchang-1-3")).to_dict()
    documents = list(_generated_documents(50, 9, _vocabulary(), SeedPool()))
    assert [number for number, _ in documents] == list(range(1, 51))
    for _, document in documents:
        assert set(document) == mapped
        assert set(document["region"]) == set(real["region"]) and set(document["themes"][0]) == set(real["themes"][0])
        assert document["years"] == list(range(document["years"][0], document["year_reported"] + 1))


def test_generated_text_is_segmented_as_the_pipeline_segments_it():
    _, document = next(_generated_documents(1, 9, _vocabulary(), SeedPool()))
    assert set(document["summary"].split()) == set(index_text(document["summary_raw"]).split())
    assert set(document["body"].split()) == set(index_text(document["body_raw"]).split())
    assert CasePage.objects.filter(pk=document["pk"], slug__startswith="bench-").count() == 0  # no database row
