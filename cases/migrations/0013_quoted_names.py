import re

from django.db import migrations, models

from cases.fingerprints import body_text
from search.text import to_simplified

# cases.quoted_names as it was when the column came: a migration must not change with the code.
QUOTED = re.compile(r"[“「『]([\u4e00-\u9fff]{3,5})[”」』]")


def fill_quoted_names(apps, schema_editor):
    """Every case's quoted names, as save() then found them, from raw block data."""
    CasePage = apps.get_model("cases", "CasePage")
    pages = CasePage.objects.only("pk", "title", "summary", "body").order_by("pk")
    for page in pages.iterator(chunk_size=500):
        text = to_simplified("\n".join([page.title, page.summary, body_text(page.body.raw_data)]))
        names = "\n".join(dict.fromkeys(QUOTED.findall(text)))
        if names:
            CasePage.objects.filter(pk=page.pk).update(quoted_names=names)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0012_named_places"),
    ]

    operations = [
        migrations.AddField(
            model_name="casepage",
            name="quoted_names",
            field=models.TextField(
                blank=True,
                editable=False,
                help_text="正文用引号标出的做法名称（如“赔树还田”），一行一个，保存时提取：搜索认它们的拼音和错别字。",
                verbose_name="文中引号里的名称",
            ),
        ),
        migrations.RunPython(fill_quoted_names, migrations.RunPython.noop),
    ]
