"""The names a case's text gives its practices in quotation marks (“赔树还田”, “记实卡”), kept on
the case so that search knows them as a reader may type them: in pinyin (jishika), with an
input method's slip (纪实卡), or half typed in the autocomplete. Only the form is read (three to
five Chinese characters alone between quotation marks), not whether the dictionary knows the
word: the dictionary learns the names, and must not decide them (nor can a migration ask it).
Used by the case model and its migrations."""

import re

from search.text import to_simplified

from .fingerprints import body_text

# Shorter are words any text quotes (“让”, “空壳”); longer, mostly what somebody said
# (“年猪就杀不死”) or a slogan.
_QUOTED = re.compile(r"[“「『]([\u4e00-\u9fff]{3,5})[”」』]")


def quoted_names_in(text):
    """The names `text` quotes, each once, in the order it first quotes them, in Simplified."""
    names = []
    for name in _QUOTED.findall(to_simplified(text)):
        if name not in names:
            names.append(name)
    return names


def refill_quoted_names(apps, schema_editor):
    """A data migration's step: every case's quoted names as save() finds them now, from raw
    block data, not the model's code."""
    CasePage = apps.get_model("cases", "CasePage")
    for page in CasePage.objects.iterator():
        text = "\n".join([page.title, page.summary, body_text(page.body.raw_data)])
        CasePage.objects.filter(pk=page.pk).update(quoted_names="\n".join(quoted_names_in(text)))
