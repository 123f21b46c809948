"""Mark the seeded items whose cases are about a person's care, health or conflicts as
sensitive (catalog/seed/catalogue.json), so that none of their cases is shown in public."""

import json
from pathlib import Path

from django.db import migrations

SEED = Path(__file__).resolve().parent.parent / "seed" / "catalogue.json"


def mark(apps, schema_editor):
    Item = apps.get_model("catalog", "Item")
    rows = json.loads(SEED.read_text(encoding="utf-8"))["items"]
    Item.objects.filter(code__in=[r["code"] for r in rows if r.get("sensitive")]).update(
        is_sensitive=True
    )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0006_item_is_sensitive")]
    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
