"""Relevance on the seed cases: our pipeline against stock full-text search, same queries."""

import sqlite3
from pathlib import Path

import pytest
import yaml

from cases.models import CasePage
from search.case_search import search_cases

JUDGEMENTS = yaml.safe_load((Path(__file__).parent / "relevance.yaml").read_text(encoding="utf-8"))
MRR_FLOOR = 1.0  # every judged query answers its case first
RECALL_FLOOR = 0.95


def reciprocal_rank(ranking, relevant):
    return next((1 / rank for rank, slug in enumerate(ranking, 1) if slug in relevant), 0.0)


def recall_at_5(ranking, relevant):
    return len(set(ranking[:5]) & set(relevant)) / len(relevant)


def evaluate(search):
    rows = [(item["query"], search(item["query"]), item["relevant"]) for item in JUDGEMENTS]
    mrr = sum(reciprocal_rank(ranking, relevant) for _, ranking, relevant in rows) / len(rows)
    recall = sum(recall_at_5(ranking, relevant) for _, ranking, relevant in rows) / len(rows)
    return mrr, recall, rows


def ours(query):
    return [hit.case.slug for hit in search_cases({"q": query}).hits]


def stock_search():
    """What stock full-text search does with the same text: SQLite FTS5 and its default
    unicode61 tokenizer (Wagtail's SQLite backend), raw text indexed, query words ANDed."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(slug UNINDEXED, title, body)")
    for case in CasePage.objects.live():
        db.execute("INSERT INTO docs VALUES (?, ?, ?)", (case.slug, case.search_headline(), case.body_text()))

    def search(query):
        match = " AND ".join('"{}"'.format(word.replace('"', '""')) for word in query.split())
        return [slug for (slug,) in db.execute("SELECT slug FROM docs WHERE docs MATCH ? ORDER BY rank", (match,))]

    return search


@pytest.mark.django_db
def test_relevance_on_the_seed_cases(capsys):
    assert len(JUDGEMENTS) >= 30
    mrr, recall, rows = evaluate(ours)
    stock_mrr, stock_recall, stock_rows = evaluate(stock_search())
    with capsys.disabled():
        print(
            f"\nrelevance over {len(rows)} queries: ours MRR {mrr:.3f} recall@5 {recall:.3f}; "
            f"stock full-text MRR {stock_mrr:.3f} recall@5 {stock_recall:.3f}"
        )
        for (query, ranking, relevant), (_, stock, _) in zip(rows, stock_rows):
            if reciprocal_rank(ranking, relevant) < 1:
                print(f"  not first: {query!r} → {ranking[:3]} (stock: {stock[:3]})")
    assert mrr >= MRR_FLOOR
    assert recall >= RECALL_FLOOR
