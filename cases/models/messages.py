"""Notices to people: in the app (`Notification`) and out of it (`OutboxMessage`)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models.case import Case
from cases.models.timeline import CaseEvent


class Notification(models.Model):
    """An in-app notification for a person: about a case event, or (with `link` and no case)
    about anything else, e.g. an activity place that became free."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    event = models.ForeignKey(
        CaseEvent, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    link = models.CharField(max_length=200, blank=True)  # a path on this site, when no case
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        # A person's unread notices, newest first, and their count (the badge on every page),
        # read along the index however many they have read.
        indexes = [
            models.Index(
                fields=["user", "-created_at"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            )
        ]

    def __str__(self):
        return self.text


class OutboxMessage(models.Model):
    """A message to deliver outside the database, written in the same transaction as its
    event; the worker delivers it and retries with backoff, so a crash loses nothing."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        DEAD = "dead", _("Failed for good")

    channel = models.CharField(_("channel"), max_length=16)
    recipient = models.CharField(_("recipient"), max_length=200)
    body = models.TextField(_("body"))
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), db_index=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Messages of one queue (e.g. one case's answers to one connected system) go out one at a
    # time in id order: none is sent before every earlier one of its queue was (a message
    # given up on holds its queue until it is sent again). The writes of one case are
    # serialised by its row's lock, so id order is the order of its events.
    queue = models.CharField(_("queue"), max_length=64, blank=True)
    # The page on this site the message concerns, for channels that link to it (WeChat).
    link = models.CharField(_("link"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="outbox_due"),
            # Whether an earlier message of the queue is still unsent: one probe. Not partial:
            # SQLite cannot use a partial index for a condition with bound parameters, and then
            # scanned every unsent message for each candidate.
            models.Index(fields=["queue", "id"], name="outbox_queue_order"),
            # The events still to fan out, in order (`cases.worker.fan_out_due`).
            models.Index(
                fields=["id"],
                condition=models.Q(channel="fanout", state="pending"),
                name="outbox_fan_out_due",
            ),
            # The delivery log of a queued recipient (a connected system, a webhook).
            models.Index(
                fields=["recipient", "id"], condition=~models.Q(queue=""), name="outbox_queue_log"
            ),
        ]

    def __str__(self):
        return f"{self.channel} → {self.recipient}: {self.body[:30]}"
