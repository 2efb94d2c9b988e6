from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def read_from_live(apps, schema_editor):
    """Rows read before revisions were kept were read from the live revision (unless a learning
    failed, which nothing recorded): so taken, a first catch-up does not read every case again."""
    CaseSentence = apps.get_model("search", "CaseSentence")
    CasePage = apps.get_model("cases", "CasePage")
    live = CasePage.objects.filter(pk=OuterRef("case_id")).values("live_revision_id")[:1]
    CaseSentence.objects.update(revision=Subquery(live))


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0005_sentence_meanings"),
    ]

    operations = [
        migrations.AddField(
            model_name="casesentence",
            name="revision",
            field=models.PositiveIntegerField(null=True, verbose_name="读自修订版本"),
        ),
        migrations.RunPython(read_from_live, migrations.RunPython.noop),
    ]
