"""bench.engine's generated documents are the documents of the cases bench.corpus writes."""

from collections import Counter

import pytest

from bench.corpus import build_corpus
from bench.engine import _generated_documents
from cases.models import CasePage
from search.engines.elasticsearch.documents import case_document, cases_to_index

pytestmark = pytest.mark.django_db
SEGMENTED = ("title", "model_name", "headline", "body")


def test_generated_documents_are_those_of_the_written_corpus():
    slugs = build_corpus(4, seed=3)
    written = [case_document(case).to_dict() for case in cases_to_index().filter(slug__in=slugs).order_by("slug")]
    generated = [document for _, document in _generated_documents(4, seed=3)]
    assert [document["pk"] for document in generated] == [1, 2, 3, 4]
    for made, real in zip(generated, written, strict=True):
        for field in SEGMENTED:  # the same words, segmented a sentence at a time
            assert Counter(made.pop(field).split()) == Counter(real.pop(field).split()), field
        for key in ("pk", "path"):  # their place: generated, not written
            made.pop(key), real.pop(key)
        assert made == real
    assert CasePage.objects.filter(slug__startswith="bench-").count() == 4  # the generator wrote none
