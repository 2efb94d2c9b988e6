import re

from django.db import migrations

from cases.fingerprints import body_text
from search.text import to_simplified

# cases.quoted_names as it was when names quoted in a list (“视才定岗、设岗承诺、争创红星”) came:
# a migration must not change with the code.
QUOTED = re.compile(r"[“「『]([\u4e00-\u9fff]{3,5}(?:、[\u4e00-\u9fff]{3,5})*)[”」』]")


def refill_quoted_names(apps, schema_editor):
    """Every case's quoted names, as save() now finds them, from raw block data; a case whose
    names are unchanged is not written."""
    CasePage = apps.get_model("cases", "CasePage")
    pages = CasePage.objects.only("pk", "title", "summary", "body", "quoted_names").order_by("pk")
    for page in pages.iterator(chunk_size=500):
        text = to_simplified("\n".join([page.title, page.summary, body_text(page.body.raw_data)]))
        names = "\n".join(dict.fromkeys(name for quoted in QUOTED.findall(text) for name in quoted.split("、")))
        if names != page.quoted_names:
            CasePage.objects.filter(pk=page.pk).update(quoted_names=names)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0013_quoted_names"),
    ]

    operations = [
        migrations.RunPython(refill_quoted_names, migrations.RunPython.noop),
    ]
