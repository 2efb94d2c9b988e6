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


class SentenceMeaning(models.Model):
    """A sentence's meaning as the model reads it (search.text.meaning): one row a sentence,
    whichever cases say it. Derived data, like the index."""

    digest = models.CharField("句子摘要", max_length=40, unique=True)  # of the model and the sentence
    model = models.CharField("模型", max_length=40, db_index=True)  # its files' digest: another's vectors are not read
    vector = models.BinaryField("向量")  # float32, unit length
    cases = models.PositiveIntegerField("说到它的案例数", default=0)

    class Meta:
        verbose_name = "句子语义"
        verbose_name_plural = "句子语义"

    def __str__(self):
        return self.digest


class CaseSentence(models.Model):
    """A sentence a published case says, with its meaning: what a search by meaning finds."""

    case = models.ForeignKey("cases.CasePage", on_delete=models.CASCADE, related_name="+", verbose_name="案例")
    position = models.PositiveIntegerField("位置")
    text = models.TextField("句子")
    meaning = models.ForeignKey(SentenceMeaning, on_delete=models.CASCADE, related_name="+", verbose_name="语义")
    # The case's live revision when the sentence was read: a catch-up finds the cases read from
    # another, or never read (search.meanings.catch_up).
    revision = models.PositiveIntegerField("读自修订版本", null=True)

    class Meta:
        verbose_name = "案例句子"
        verbose_name_plural = "案例句子"

    def __str__(self):
        return self.text
