# Reports and additions stored before this change were audited and announced when they
# arrived: they count as digested. New ones wait for the daily digest.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="report",
            name="digested",
            field=models.BooleanField(default=True, editable=False),
        ),
        migrations.AlterField(
            model_name="report",
            name="digested",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddField(
            model_name="reportmessage",
            name="digested",
            field=models.BooleanField(default=True, editable=False),
        ),
        migrations.AlterField(
            model_name="reportmessage",
            name="digested",
            field=models.BooleanField(default=False, editable=False),
        ),
    ]
