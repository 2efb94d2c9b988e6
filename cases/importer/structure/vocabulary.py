"""The domain, themes, problems and tags a text names, as suggestions."""

from collections import Counter

from search.text import curated_words, fold
from search.text import vocabulary as search_vocabulary

from ...taxonomy import Domain, Problem, Theme


def vocabulary(text, model):
    """Suggested domain, themes, problems and tags (curated dictionary words used ≥ 2 times).
    Themes and problems are those the text names, by name or alias, as search recognises them."""
    folded = fold(text)
    named = search_vocabulary.matcher().in_document(folded)
    themes = list(Theme.objects.filter(pk__in=[term.pk for term in named if term.kind == "theme"]))
    problems = list(Problem.objects.filter(pk__in=[term.pk for term in named if term.kind == "problem"]))
    domain_counts = {domain: folded.count(fold(domain.name)[:2]) for domain in Domain.objects.all()}
    domain = max(domain_counts, key=domain_counts.get, default=None)
    domain = domain if domain and domain_counts[domain] >= 3 else None
    names = {fold(term.name) for term in (*themes, *problems)}
    counts = Counter({word: folded.count(fold(word)) for word in curated_words()})
    tags = [word for word, count in counts.most_common() if count >= 2 and fold(word) not in names][:8]
    if model and model not in tags:
        tags.insert(0, model)
    return domain, themes, problems, tags[:8]
