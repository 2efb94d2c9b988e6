"""What case pages show of search's answers, handed in by search at start-up.

cases never imports search (README, the import contracts in pyproject.toml): the case library's
listing, a case's related cases and the compare page's newest cases come from the functions
search provides in its AppConfig.ready().
"""

from django.core.exceptions import ImproperlyConfigured

_provided = {}


def provide(**functions):
    """Hand in the functions below by name (search.apps.SearchConfig.ready)."""
    _provided.update(functions)


def _function(name):
    try:
        return _provided[name]
    except KeyError:
        raise ImproperlyConfigured(f"未提供 {name}：INSTALLED_APPS 中应有 search 应用。") from None


def case_listing(request, index_page):
    """The case library's context: the published cases below it that the request's filters let
    through, a page at a time, and ways to browse."""
    return _function("case_listing")(request, index_page)


def related_cases(case, themes, problems, tags):
    """(cases, automatic): the cases the editor picked, or (automatic) the most similar ones."""
    return _function("related_cases")(case, themes, problems, tags)


def newest_case_ids(limit):
    """The ids of the `limit` published cases reported last."""
    return _function("newest_case_ids")(limit)
