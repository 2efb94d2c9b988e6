"""Search's own tables beside the case index (whose tables migration 0003 writes in SQL)."""

from django.db import models

MAX_WORD_LENGTH = 12


class TextWord(models.Model):
    """A word the published cases' texts use, by its pinyin: a reader may type it so (mihoutao).
    Derived data, like the index: `search_index --rebuild` counts it afresh."""

    word = models.CharField("词", max_length=MAX_WORD_LENGTH, primary_key=True)
    # A word's syllables run to six letters each (zhuang).
    pinyin = models.CharField("拼音", max_length=6 * MAX_WORD_LENGTH, db_index=True)
    cases = models.PositiveIntegerField("用到的案例数")

    class Meta:
        verbose_name = "案例用词"
        verbose_name_plural = "案例用词"

    def __str__(self):
        return self.word
