"""The one write path of a case: a conditional UPDATE on its version that moves the figures'
tallies with it, then the event and its notifications, in the caller's transaction."""

from datetime import datetime

from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone

from cases import notify
from cases.models import (
    TRANSITIONS,
    Case,
    CaseEvent,
    CasePhoto,
)
from cases.tallies import case_tallies, tally_changes
from core.errors import Conflict


def _transition(
    case: Case,
    *,
    action: str,
    actor=None,
    party: str,
    note: str = "",
    public: bool = True,
    community_only: bool = False,
    data: dict | None = None,
    changes: dict | None = None,
    unit=None,
    now: datetime | None = None,
) -> CaseEvent:
    """Move the case (its service has passed `_guard` for the action), append the event and
    notify."""
    target = TRANSITIONS[action][1]
    now = now or timezone.now()
    fields = dict(changes or {})
    if target:
        fields["status"] = target
    from_status = case.status
    if not case_apply(case, fields, now=now):
        raise Conflict()
    return _record(
        case,
        action=action,
        actor=actor,
        party=party,
        note=note,
        public=public and not community_only,
        community_only=community_only,
        unit=unit,
        data=data,
        now=now,
        from_status=from_status,
    )


def _record(
    case: Case,
    *,
    action: str,
    party: str,
    now: datetime,
    actor=None,
    note: str = "",
    public: bool = False,
    community_only: bool = False,
    unit=None,
    data: dict | None = None,
    from_status: str = "",
) -> CaseEvent:
    """Append the event and notify. Alone (not after `_transition`'s UPDATE), for what does not
    move the case and so gives it no new version: a neighbour's "me too" or rating must not
    make a handler's open page out of date."""
    event = CaseEvent.objects.create(
        case=case,
        at=now,
        actor=actor,
        party=party,
        action=action,
        from_status=from_status or case.status,
        to_status=case.status,
        note=note,
        public=public,
        community_only=community_only,
        unit=unit,
        data=data or {},
    )
    notify.notify_event(case, event)
    return event


def case_apply(case: Case, fields: dict, *, now: datetime) -> bool:
    """Write the fields to the case's row with the next version and `now` as its last change,
    if nobody changed it since it was read, and move the figures' tallies with it; False (and
    nothing changed) if somebody did. Every change to a case passes here, as one plain
    statement: the ORM's update compiler cost ten times the query itself. (`updated_at` is what
    other systems sync by: the REST API's `updated_since`.)"""
    tallied = case_tallies(case)  # before the UPDATE: a deferred field would load the new value
    fields = {**fields, "updated_at": now}
    sets, params = ["version = version + 1"], []
    for name, value in fields.items():
        field = Case._meta.get_field(name)
        if field.is_relation:
            value = getattr(value, "pk", value)
        sets.append(f"{connection.ops.quote_name(field.column)} = %s")
        params.append(field.get_db_prep_save(value, connection))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Case._meta.db_table} SET {', '.join(sets)} WHERE id = %s AND version = %s",
            [*params, case.pk, case.version],
        )
        if cursor.rowcount != 1:
            return False
    for name, value in fields.items():
        setattr(case, name, value)
    case.version += 1
    tally_changes([(tallied, case_tallies(case))])
    return True


def _save_photos(case: Case, event: CaseEvent, images, *, public_consent=False) -> None:
    for n, image in enumerate(images, 1):
        photo = CasePhoto(
            case=case,
            event=event,
            width=image.width,
            height=image.height,
            public_consent=public_consent,
        )
        photo.image.save(
            f"{case.tracking_no}-{event.pk}-{n}.{image.extension}",
            ContentFile(image.content),
            save=False,
        )
        photo.save()
