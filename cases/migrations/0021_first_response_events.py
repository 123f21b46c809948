"""Stored timeline events of the action once called "first_contact" take its new name,
"first_response" (what DESIGN calls the first response to the resident)."""

from django.db import migrations


def _rename(old, new):
    def run(apps, schema_editor):
        apps.get_model("cases", "CaseEvent").objects.filter(action=old).update(action=new)

    return run


class Migration(migrations.Migration):
    dependencies = [("cases", "0020_response_names")]

    operations = [
        migrations.RunPython(
            _rename("first_contact", "first_response"), _rename("first_response", "first_contact")
        )
    ]
