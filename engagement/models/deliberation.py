"""Resident deliberation (居民议事)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from engagement.models.activities import Venue
from orgs.models import OrgUnit


class TopicStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    SCHEDULED = "scheduled", _("Meeting scheduled")
    DECIDED = "decided", _("Decided")


class Decision(models.TextChoices):
    ADOPTED = "adopted", _("Adopted")
    REJECTED = "rejected", _("Not adopted")
    REFERRED = "referred", _("Referred to a higher level")


# The one declaration of which step may leave which status, and where it leads (None: stays).
TOPIC_TRANSITIONS: dict[str, tuple[frozenset, str | None]] = {
    "support": (frozenset({TopicStatus.PROPOSED, TopicStatus.SCHEDULED}), None),
    "schedule": (frozenset({TopicStatus.PROPOSED, TopicStatus.SCHEDULED}), TopicStatus.SCHEDULED),
    "record": (frozenset({TopicStatus.SCHEDULED}), None),
    "decide": (frozenset({TopicStatus.SCHEDULED}), TopicStatus.DECIDED),
    "add_action": (frozenset({TopicStatus.DECIDED}), None),
}


class Topic(models.Model):
    """A matter residents want discussed, followed from proposal to completed actions."""

    title = models.CharField(_("Title"), max_length=100)
    description = models.TextField(_("description"), max_length=4000)
    community = models.ForeignKey(
        OrgUnit,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="topics",
        limit_choices_to={"kind": OrgUnit.Kind.COMMUNITY},
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_by_resident = models.BooleanField(_("proposed by a resident"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=TopicStatus.choices, default=TopicStatus.PROPOSED
    )
    support_count = models.PositiveIntegerField(_("supporters"), default=0)
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices, blank=True)
    decision_note = models.TextField(_("decision details"), blank=True, max_length=4000)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("proposed at"), db_index=True)

    class Meta:
        verbose_name = _("deliberation topic")
        verbose_name_plural = _("deliberation topics")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title


class TopicSupport(models.Model):
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="supports"
    )
    resident = models.ForeignKey(
        "residents.Resident",
        verbose_name=_("resident"),
        on_delete=models.CASCADE,
        related_name="topic_supports",
    )
    created_at = models.DateTimeField(_("supported at"))

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(fields=["topic", "resident"], name="support_once"),
        ]

    def __str__(self):
        return f"{self.resident} → {self.topic}"


class Meeting(models.Model):
    """The deliberation meeting of a topic: when, where, the agenda; then who came and minutes."""

    topic = models.OneToOneField(
        Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="meeting"
    )
    starts_at = models.DateTimeField(_("time"))
    venue = models.ForeignKey(
        Venue, verbose_name=_("venue"), on_delete=models.PROTECT, related_name="meetings"
    )
    agenda = models.TextField(_("agenda"), max_length=4000)
    attendees = models.ManyToManyField(
        "residents.Resident",
        verbose_name=_("residents who signed in"),
        blank=True,
        related_name="meetings_attended",
    )
    other_attendees = models.TextField(
        _("other attendees"),
        blank=True,
        max_length=2000,
        help_text=_("One per line: representatives of the property company, units, experts …"),
    )
    minutes = models.TextField(_("meeting minutes"), blank=True, max_length=20000)
    recorded_at = models.DateTimeField(_("minutes recorded at"), null=True, blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scheduled by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("deliberation meeting")
        verbose_name_plural = _("deliberation meetings")

    def __str__(self):
        return f"{self.topic} @ {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def other_attendee_list(self) -> list[str]:
        return [line.strip() for line in self.other_attendees.splitlines() if line.strip()]


class FollowUpAction(models.Model):
    """Something to do after a decision: owner, deadline, progress, done; maybe a case."""

    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="actions"
    )
    title = models.CharField(_("what"), max_length=200)
    owner = models.CharField(_("owner"), max_length=100)
    deadline = models.DateField(_("deadline"))
    progress = models.TextField(_("progress"), blank=True, max_length=4000)
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        ordering = ["deadline", "id"]

    def __str__(self):
        return self.title

    @property
    def is_overdue(self) -> bool:
        return not self.done and self.deadline < timezone.localdate()
