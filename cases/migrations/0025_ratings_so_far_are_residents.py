"""Every rating given before ratings had a source was the resident's own."""

from django.db import migrations


def forwards(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Case.objects.exclude(rating="").filter(rating_source="").update(rating_source="resident")


def backwards(apps, schema_editor):
    apps.get_model("cases", "Case").objects.update(rating_source="")


class Migration(migrations.Migration):
    dependencies = [("cases", "0024_outbox_queues_rating_source")]

    operations = [migrations.RunPython(forwards, backwards)]
