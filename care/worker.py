"""The worker's care sweeps: overdue visits and due reassessments become alerts; the records
of people who left care are anonymised after `CARE_RETENTION_DAYS`.

Added to the worker's round in `CareConfig.ready` (`cases.hooks.SWEEPS`). For every recipient
whose next visit or reassessment was due before today, each responsible person gets one
`CareAlert` per due date, shown on their home page, and one outbox message on the staff
notification channel, written in the same transaction. Rerunning changes nothing: the alert row is unique per person, recipient,
kind and due date.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from care.models import CareAlert, CareRecipient
from care.selectors import local_today, responsible_people
from care.services import recipient_anonymise
from cases.notify import outbox_message, outbox_write
from cases.worker import sweep


def _raise(recipient: CareRecipient, kind: str, due_on, now: datetime) -> int:
    raised = 0
    for person in responsible_people(recipient):
        if CareAlert.objects.filter(
            user=person, recipient=recipient, kind=kind, due_on=due_on
        ).exists():
            continue
        try:
            with transaction.atomic():
                _alert_with_message(person, recipient, kind, due_on, now)
        except IntegrityError:  # another worker raised the same alert a moment ago
            continue
        raised += 1
    return raised


def _alert_with_message(person, recipient, kind, due_on, now) -> None:
    CareAlert.objects.create(
        user=person, recipient=recipient, kind=kind, due_on=due_on, created_at=now
    )
    # Read later by someone else: written in the platform's language.
    with translation.override(settings.LANGUAGE_CODE):
        text = _("Care: %(what)s for %(name)s (due %(due)s)") % {
            "what": CareAlert.Kind(kind).label,
            "name": recipient.resident.name,
            "due": due_on.isoformat(),
        }
    outbox_write([outbox_message(recipient=str(person.pk), body=text, at=now)])


def alerts_due(*, now: datetime) -> int:
    today = local_today(now)
    base = CareRecipient.objects.filter(is_active=True).select_related(
        "resident", "plan__responsible"
    )
    raised = 0
    for recipient in base.filter(plan__next_visit_due__lt=today).order_by("pk"):
        raised += _raise(
            recipient, CareAlert.Kind.VISIT_OVERDUE, recipient.plan.next_visit_due, now
        )
    for recipient in base.filter(reassessment_due__lt=today).order_by("pk"):
        raised += _raise(
            recipient, CareAlert.Kind.REASSESSMENT_DUE, recipient.reassessment_due, now
        )
    return raised


def records_anonymise_due(*, now: datetime) -> int:
    cutoff = now - timedelta(days=settings.CARE_RETENTION_DAYS)
    due = CareRecipient.objects.filter(
        is_active=False, left_at__lte=cutoff, anonymised_at__isnull=True
    )
    return sweep(due, lambda recipient: recipient_anonymise(recipient=recipient, now=now))
