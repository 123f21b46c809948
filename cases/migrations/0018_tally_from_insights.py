"""The figures' tallies are kept by cases now (`cases.tallies`): the model moves from insights
to cases in the migration state only. The table keeps its name and its rows; nothing in the
database changes."""

import orgs.fields
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0017_retention'),
        ('insights', '0002_tallies'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Tally',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('grain', models.CharField(choices=[('d', 'day'), ('m', 'month')], max_length=1)),
                        ('start', models.DateField()),
                        ('area_path', orgs.fields.PathField(max_length=255)),
                        ('company_id', models.BigIntegerField()),
                        ('estate_id', models.BigIntegerField()),
                        ('domain_id', models.BigIntegerField()),
                        ('dispatched', models.IntegerField(default=0)),
                        ('responded', models.IntegerField(default=0)),
                        ('returned', models.IntegerField(default=0)),
                        ('reopened', models.IntegerField(default=0)),
                        ('escalated', models.IntegerField(default=0)),
                        ('followed_up', models.IntegerField(default=0)),
                        ('solved_by_call', models.IntegerField(default=0)),
                        ('solved_satisfied', models.IntegerField(default=0)),
                        ('solved_basic', models.IntegerField(default=0)),
                        ('rated', models.IntegerField(default=0)),
                        ('rated_satisfied', models.IntegerField(default=0)),
                        ('rated_basic', models.IntegerField(default=0)),
                        ('resolved', models.IntegerField(default=0)),
                        ('on_time', models.IntegerField(default=0)),
                        ('doorstep', models.IntegerField(default=0)),
                        ('supervised', models.IntegerField(default=0)),
                        ('handling_us', models.BigIntegerField(default=0)),
                        ('handling_band0', models.IntegerField(default=0)),
                        ('handling_band1', models.IntegerField(default=0)),
                        ('handling_band2', models.IntegerField(default=0)),
                        ('handling_band3', models.IntegerField(default=0)),
                        ('handling_band4', models.IntegerField(default=0)),
                        ('handling_band5', models.IntegerField(default=0)),
                        ('handling_band6', models.IntegerField(default=0)),
                        ('handling_band7', models.IntegerField(default=0)),
                        ('handling_band8', models.IntegerField(default=0)),
                        ('handling_band9', models.IntegerField(default=0)),
                        ('handling_band10', models.IntegerField(default=0)),
                        ('handling_band11', models.IntegerField(default=0)),
                        ('handling_band12', models.IntegerField(default=0)),
                        ('handling_band13', models.IntegerField(default=0)),
                        ('handling_band14', models.IntegerField(default=0)),
                        ('handling_band15', models.IntegerField(default=0)),
                        ('handling_band16', models.IntegerField(default=0)),
                        ('handling_band17', models.IntegerField(default=0)),
                        ('handling_band18', models.IntegerField(default=0)),
                        ('handling_band19', models.IntegerField(default=0)),
                        ('handling_band20', models.IntegerField(default=0)),
                        ('handling_band21', models.IntegerField(default=0)),
                        ('handling_band22', models.IntegerField(default=0)),
                        ('handling_band23', models.IntegerField(default=0)),
                    ],
                    options={
                        'db_table': 'insights_tally',
                        'constraints': [models.UniqueConstraint(fields=('grain', 'start', 'area_path', 'company_id', 'estate_id', 'domain_id'), name='insights_tally_key')],
                    },
                ),
            ],
        ),
    ]
