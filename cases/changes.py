"""The change journal: every change of what the public sees, in order, in the database.

Each server process follows it from the last entry it applied: search's catalogue updates the
one case an entry names (and reloads only after a vocabulary change or a restore), the page
cache keys pages by the last entry. Entries are written in the change's own transaction, so a
rolled-back change leaves none; sessions, logins, log entries and draft revisions write none.
"""

from datetime import timedelta

from django.db import connection, models, transaction
from django.utils import timezone

from .signals import cases_changed, vocabulary_changed

# Entries older than this are pruned as new ones are written; a process that has not looked
# for that long reloads everything (search.engines.database.catalogue).
KEEP = timedelta(days=7)
PRUNE_EVERY = 100  # entries
JOURNAL_LOCK = 0x6A6F75726E616C  # PostgreSQL advisory lock key of journal writers ("journal")


class ContentChange(models.Model):
    CASES, VOCABULARY, SITE, EVERYTHING = "cases", "vocabulary", "site", "everything"
    KINDS = [
        (CASES, "案例发布、撤回、移动、设为私密或删除"),
        (VOCABULARY, "分类词表变更"),
        (SITE, "其他公开内容变更"),
        (EVERYTHING, "全部内容（恢复备份、批量写入）"),
    ]

    kind = models.CharField("类型", max_length=12, choices=KINDS)
    case_ids = models.JSONField("案例", default=list, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = "内容变更"
        verbose_name_plural = "内容变更"

    def __str__(self):
        return f"{self.pk} {self.get_kind_display()}"


def record(kind, case_ids=()):
    """Journal a change of what the public sees; returns the entry."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Entries commit in the order of their ids: PostgreSQL hands out ids as rows are
            # inserted, so a later entry committing first would be read, and an earlier one
            # still open skipped by the processes that follow the journal by id.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [JOURNAL_LOCK])
        change = ContentChange.objects.create(kind=kind, case_ids=sorted(set(case_ids)))
    if change.pk % PRUNE_EVERY == 0:
        ContentChange.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
    return change


def since(last):
    """(pk, kind, case_ids) of the entries after `last` (a pk), in order."""
    return list(ContentChange.objects.filter(pk__gt=last).values_list("pk", "kind", "case_ids"))


def latest():
    """The pk of the last entry (0 when there is none)."""
    return ContentChange.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def head():
    """The last entry as a key: its pk and time, since a restored journal (or a rolled-back
    test) can hand out a pk again. The page cache asks on every cached page, so it is one
    plain query (a tenth of the ORM's cost for the same row)."""
    table = connection.ops.quote_name(ContentChange._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, created_at FROM {table} ORDER BY id DESC LIMIT 1")
        entry = cursor.fetchone()
    if entry is None:
        return "0"
    # SQLite hands the time back as text, PostgreSQL as a datetime: its digits key both.
    return f"{entry[0]}-{''.join(filter(str.isdigit, str(entry[1])))}"


def _cases_changed(sender, case_ids, change, **kwargs):
    record(ContentChange.CASES, case_ids)


def _vocabulary_changed(sender, term, case_ids, **kwargs):
    record(ContentChange.VOCABULARY, case_ids)


def connect():
    cases_changed.connect(_cases_changed, dispatch_uid="cases-journal-cases")
    vocabulary_changed.connect(_vocabulary_changed, dispatch_uid="cases-journal-vocabulary")
