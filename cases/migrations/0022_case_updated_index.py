from django.db import migrations, models


class Migration(migrations.Migration):
    """The change feed's index (`GET /api/v1/cases?updated_since=`)."""

    dependencies = [
        ("cases", "0021_first_response_events"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["updated_at", "id"], name="case_updated"),
        ),
    ]
