from django.db import migrations

TAGS = [
    ("elderly_alone", "独居老人"),
    ("elderly", "老年人"),
    ("disability", "残疾人"),
    ("child", "儿童"),
    ("party_member", "党员"),
    ("volunteer", "志愿者"),
    ("low_income", "低保户"),
    ("veteran", "退役军人"),
    ("shopkeeper", "商户"),
]


def seed_tags(apps, schema_editor):
    Tag = apps.get_model("residents", "Tag")
    for code, name in TAGS:
        Tag.objects.get_or_create(code=code, defaults={"name": name})


def remove_tags(apps, schema_editor):
    apps.get_model("residents", "Tag").objects.filter(code__in=[c for c, _ in TAGS]).delete()


class Migration(migrations.Migration):
    dependencies = [("residents", "0001_residents_codes_messages")]
    operations = [migrations.RunPython(seed_tags, remove_tags)]
