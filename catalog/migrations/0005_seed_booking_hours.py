"""Give the seeded services the booking hours of the catalogue (catalog/seed/catalogue.json),
where an item's published service hours are still the seeded ones."""

import json
from pathlib import Path

from django.db import migrations

SEED = Path(__file__).resolve().parent.parent / "seed" / "catalogue.json"


def seed_booking_hours(apps, schema_editor):
    Item = apps.get_model("catalog", "Item")
    for row in json.loads(SEED.read_text(encoding="utf-8"))["items"]:
        if row.get("booking_hours"):
            Item.objects.filter(
                code=row["code"], service_hours=row["service_hours"], booking_hours=""
            ).update(booking_hours=row["booking_hours"])


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_item_booking_hours")]
    operations = [migrations.RunPython(seed_booking_hours, migrations.RunPython.noop)]
