"""Retention: a closed case keeps its personal data for `CASE_RETENTION_DAYS`, then loses it.

What goes: the contact's name and number, the link to the resident and their household (and
to their account as the one who filed it), the neighbours who joined it, every personal detail in the case's words and its
timeline's notes (the one redaction of public text), and the photos. What stays is what the
figures count: item, place down to the building, units, company, clocks, states and ratings,
so every rate and tally reads the same before and after.
"""

from decimal import Decimal

from django.db import transaction

from cases.models import Action, Case, CaseEvent, Notification, Party
from cases.services.guard import _guard
from cases.services.transition import _transition
from residents.redaction import public_text

BLOCK = Decimal("0.001")  # about 100 m: no finer than a building


def _rounded(value):
    return value.quantize(BLOCK) if value is not None else None


@transaction.atomic
def case_anonymise(*, case: Case, now) -> CaseEvent:
    """Remove the personal data of a closed case (the worker's retention sweep)."""
    _guard(case, action=Action.ANONYMISE, actor=None)
    reporter = case.resident.user_id if case.resident_id else None
    # The neighbours who said "me too" go too: their link to the case and their words.
    residents = {reporter} | set(case.neighbours.values_list("resident__user_id", flat=True))
    residents.discard(None)
    for event in case.events.all():
        note = public_text(event.note) if event.note else ""
        actor_id = None if event.actor_id in residents else event.actor_id
        if (note, actor_id) != (event.note, event.actor_id):
            CaseEvent.objects.filter(pk=event.pk).update(note=note, actor_id=actor_id)
    files = [photo.image.name for photo in case.photos.all()]
    storage = case.photos.model._meta.get_field("image").storage
    case.photos.all().delete()
    transaction.on_commit(lambda: [storage.delete(name) for name in files])
    case.neighbours.all().delete()
    Notification.objects.filter(case=case, user_id__in=residents).delete()
    changes = {
        "contact_name": "",
        "contact_mobile": "",
        "resident": None,
        "household": None,
        "description": public_text(case.description),
        "location_text": public_text(case.location_text),
        "rating_comment": public_text(case.rating_comment),
        "latitude": _rounded(case.latitude),
        "longitude": _rounded(case.longitude),
        "idempotency_key": "",
        "anonymised_at": now,
    }
    if reporter and case.created_by_id == reporter:
        changes["created_by"] = None
    return _transition(
        case, action=Action.ANONYMISE, party=Party.SYSTEM, public=False, changes=changes, now=now
    )
