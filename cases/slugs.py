"""A page's address: its title's words in pinyin, as the seeds' addresses are written. A Chinese
address is percent-encoded in a shared link, many times its length."""

from django.utils.text import slugify

from search.text import query_words, vocabulary, word_parts

SLUG_MAX = 50


def pinyin_slug(title):
    """The title's words in pinyin, as the seeds' addresses are written (兴山县农村党建“两会两评”模式
    → xingshanxian-nongcundangjian-lianghuiliangping): plain letters, short to share in a chat.
    A word too long for what is left is spelled by its parts while they fit; a first word
    longer than the whole is cut."""
    slug = ""

    def fits(word):
        nonlocal slug
        spelled = slugify(vocabulary.pinyin_of(word))
        if slug and len(slug) + 1 + len(spelled) > SLUG_MAX:
            return False
        slug = "-".join(filter(None, (slug, spelled)))[:SLUG_MAX]
        return True

    for word in query_words(title):
        if not fits(word):
            all(fits(part) for part in word_parts(word))
            break
    return slug.strip("-") or "case"


def unique_slug(parent, title, page=None):
    """pinyin_slug(title), numbered if another page under `parent` (not `page`) has it."""
    base = pinyin_slug(title)
    children = parent.get_children().exclude(pk=page.pk) if page is not None and page.pk else parent.get_children()
    taken = set(children.values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug
