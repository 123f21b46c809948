from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery


def count_duplicates(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    counts = (
        Case.objects.filter(merged_into=OuterRef("pk"))
        .order_by()
        .values("merged_into")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Case.objects.filter(duplicates__isnull=False).distinct().update(
        duplicate_count=Subquery(counts)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_cases_timeline_participants_outbox"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="duplicate_count",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="merged duplicates"),
        ),
        migrations.RunPython(count_duplicates, migrations.RunPython.noop),
    ]
