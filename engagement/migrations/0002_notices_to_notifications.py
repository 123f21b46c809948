"""Engagement notices become cases' Notifications (with a link instead of a case), so every
notice reaches people the same way: in the app, and through the outbox the worker delivers."""

from django.db import migrations


def forward(apps, schema_editor):
    EngagementNotice = apps.get_model("engagement", "EngagementNotice")
    Notification = apps.get_model("cases", "Notification")
    Notification.objects.bulk_create(
        [
            Notification(user_id=n.user_id, text=n.text, link="/engagement/mine/",
                         created_at=n.created_at)
            for n in EngagementNotice.objects.all().iterator()
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_notification_link"),
        ("engagement", "0001_venues_activities_deliberation_visits"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
