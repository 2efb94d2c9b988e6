from django.db import migrations

# search.text.fold now reads 加 between digits as a plus (1加3 = 1+3): fingerprints made before
# would not match a copy imported after.
from cases.fingerprints import refill_fingerprints


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0010_review_task"),
    ]

    operations = [
        migrations.RunPython(refill_fingerprints, migrations.RunPython.noop),
    ]
