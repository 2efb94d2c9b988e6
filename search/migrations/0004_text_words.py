"""The words the published cases' texts use, by their pinyin (search.text_words): filled as cases
are published and by `manage.py search_index --rebuild` (`make setup` runs it)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_case_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="TextWord",
            fields=[
                ("word", models.CharField(max_length=12, primary_key=True, serialize=False, verbose_name="词")),
                ("pinyin", models.CharField(db_index=True, max_length=72, verbose_name="拼音")),
                ("cases", models.PositiveIntegerField(verbose_name="用到的案例数")),
            ],
            options={
                "verbose_name": "案例用词",
                "verbose_name_plural": "案例用词",
            },
        ),
    ]
