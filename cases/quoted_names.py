"""The names a case's text gives its practices in quotation marks (“赔树还田”, “记实卡”), kept on
the case so that search knows them as a reader may type them: in pinyin (jishika), with an
input method's slip (纪实卡), or half typed in the autocomplete. Only the form is read (three to
five Chinese characters alone between quotation marks, or each of a list of them), not whether
the dictionary knows the word: the dictionary learns the names, and must not decide them (nor
can a migration ask it). Used by the case model (migrations 0013 and 0014 hold their own copies
of the rule, as it was then)."""

import re

from search.text import to_simplified

# Shorter are words any text quotes (“让”, “空壳”); longer, mostly what somebody said
# (“年猪就杀不死”) or a slogan. A quotation listing several such names set apart by 、
# (“视才定岗、设岗承诺、争创红星”) gives each; one item of another length, and it gives none.
_QUOTED = re.compile(r"[“「『]([\u4e00-\u9fff]{3,5}(?:、[\u4e00-\u9fff]{3,5})*)[”」』]")


def quoted_names_in(text):
    """The names `text` quotes, each once, in the order it first quotes them, in Simplified."""
    return list(dict.fromkeys(name for quoted in _QUOTED.findall(to_simplified(text)) for name in quoted.split("、")))
