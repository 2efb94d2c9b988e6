"""The names a case's text gives its practices in quotation marks (“赔树还田”, “记实卡”), kept on
the case so that search knows them as a reader may type them: in pinyin (jishika), with an
input method's slip (纪实卡), or half typed in the autocomplete. Only the form is read (three to
five Chinese characters alone between quotation marks), not whether the dictionary knows the
word: the dictionary learns the names, and must not decide them (nor can a migration ask it).
Used by the case model (migration 0013 holds its own copy of the rule, as it was then)."""

import re

from search.text import to_simplified

# Shorter are words any text quotes (“让”, “空壳”); longer, mostly what somebody said
# (“年猪就杀不死”) or a slogan.
_QUOTED = re.compile(r"[“「『]([\u4e00-\u9fff]{3,5})[”」』]")


def quoted_names_in(text):
    """The names `text` quotes, each once, in the order it first quotes them, in Simplified."""
    return list(dict.fromkeys(_QUOTED.findall(to_simplified(text))))
