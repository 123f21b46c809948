"""The tallies' model moves to cases (`cases.0018_tally_from_insights`); its table and rows
stay as they are."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('insights', '0002_tallies'),
        ('cases', '0018_tally_from_insights'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='Tally')],
        ),
    ]
