from django.db import migrations

# Vulnerable situations: sensitive data under PIPL Art. 28 (a specific identity, financial
# situation, minors under 14), recorded only with a separate consent.
SENSITIVE = ["elderly_alone", "disability", "low_income", "child"]
# Every reveal before this version was the resident page's, of these three.
RESIDENT_PAGE_FIELDS = ["mobile", "id_number", "household"]


def mark(apps, schema_editor):
    apps.get_model("residents", "Tag").objects.filter(code__in=SENSITIVE).update(
        is_sensitive=True
    )
    apps.get_model("residents", "PersonalDataAccess").objects.filter(fields=[]).update(
        fields=RESIDENT_PAGE_FIELDS
    )


def unmark(apps, schema_editor):
    apps.get_model("residents", "Tag").objects.filter(code__in=SENSITIVE).update(
        is_sensitive=False
    )


class Migration(migrations.Migration):
    dependencies = [("residents", "0003_consents_requests_access_context")]
    operations = [migrations.RunPython(mark, unmark)]
