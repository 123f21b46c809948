"""Give the seeded domains, lists, categories and items their English names from the catalogue
(catalog/seed/catalogue.json), where the Chinese name is still the seeded one: a name an
administrator changed keeps no English name that described the old one."""

import json
from pathlib import Path

from django.db import migrations

SEED = Path(__file__).resolve().parent.parent / "seed" / "catalogue.json"
TABLES = {"domains": "Domain", "lists": "ServiceList", "categories": "Category", "items": "Item"}


def _rows():
    data = json.loads(SEED.read_text(encoding="utf-8"))
    for key, model in TABLES.items():
        for row in data[key]:
            yield model, row


def seed_english_names(apps, schema_editor):
    for model, row in _rows():
        apps.get_model("catalog", model).objects.filter(
            code=row["code"], name=row["name"], name_en=""
        ).update(name_en=row["name_en"])


def clear_english_names(apps, schema_editor):
    for model, row in _rows():
        apps.get_model("catalog", model).objects.filter(
            code=row["code"], name_en=row["name_en"]
        ).update(name_en="")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0008_catalogue_english_names")]
    operations = [migrations.RunPython(seed_english_names, clear_english_names)]
