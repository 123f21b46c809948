"""Rows written once although their form may be sent twice (a phone that kept it offline, two
tabs): the row keeps the idempotency key its form sent (`core.forms.content_key`), and a
unique constraint on who wrote it and the key stands behind the two functions here."""

from django.db import IntegrityError, models, transaction


def written_before(model: type[models.Model], key: str, **who) -> models.Model | None:
    """The row this person already wrote with this key, if any (none without a key)."""
    return model.objects.filter(idempotency_key=key, **who).first() if key else None


def save_once(row: models.Model, **who) -> tuple[models.Model, bool]:
    """Save `row`, or, when the same key from the same person was saved a moment ago, that
    row instead; the flag says whether `row` is the one saved."""
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        return type(row).objects.get(idempotency_key=row.idempotency_key, **who), False
    return row, True
