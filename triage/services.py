"""Writes for triage: train and activate a model version; record what was suggested."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case
from cases.notify import outbox_message, outbox_write
from core.errors import ApplicationError, Conflict
from triage import selectors
from triage.models import ModelVersion, Suggestion

logger = logging.getLogger("hgj.triage")
RETRAIN_LOCK = "triage:retrain"


def model_train(
    *, actor=None, reason: str = "command", now: datetime | None = None
) -> ModelVersion:
    """Train on the catalogue and the case history, store the new version and activate it."""
    now = now or timezone.now()
    data = selectors.training_data()
    if len(set(data.labels)) < 2:
        raise ApplicationError(
            _("Nothing to learn from yet: the catalogue needs at least two problem items."),
            code="triage_no_data",
        )
    from triage import classifier  # scikit-learn: 2 s to import, so only when needed

    pipeline = classifier.fit(
        data.texts, data.labels, weights=data.weights, user_words=data.user_words
    )
    blob = classifier.dumps(pipeline)
    try:
        return _model_store(actor=actor, reason=reason, now=now, data=data, blob=blob)
    except IntegrityError as error:  # another process stored a version at the same moment
        raise Conflict(_("Another model was being trained at the same time.")) from error


@transaction.atomic
def _model_store(*, actor, reason, now, data, blob) -> ModelVersion:
    number = (ModelVersion.objects.aggregate(n=Max("version"))["n"] or 0) + 1
    ModelVersion.objects.filter(is_active=True).update(is_active=False)
    selectors.model_active_forget()
    model = ModelVersion(
        version=number,
        created_at=now,
        trained_by=actor,
        reason=reason[:30],
        is_active=True,
        labels=sorted(set(data.labels)),
        samples=data.counts,
        last_case_id=data.last_case_id,
        last_event_id=data.last_event_id,
        blob=blob,
    )
    # Uniqueness is the database's call: a race becomes an IntegrityError, then a Conflict.
    model.full_clean(
        exclude=["trained_by", "blob"], validate_unique=False, validate_constraints=False
    )
    model.save()
    logger.info("triage model v%s trained on %s", number, data.counts)
    return model


def model_retrain_if_due(*, now: datetime) -> ModelVersion | None:
    """For the worker: retrain when there is no model, or the active one is old enough and
    enough new labelled cases or corrections arrived. One worker at a time (shared cache)."""
    active = ModelVersion.objects.filter(is_active=True).defer("blob").first()
    if active is not None:
        if now - active.created_at < timedelta(hours=settings.TRIAGE_RETRAIN_HOURS):
            return None
        if selectors.new_labels_since(active) < settings.TRIAGE_RETRAIN_MIN_NEW:
            return None
    elif selectors.labelled_cases() < settings.TRIAGE_RETRAIN_MIN_NEW:
        return None  # the first model: `manage.py triage_train`, or once cases come in
    if not cache.add(RETRAIN_LOCK, now.isoformat(), timeout=3600):
        return None
    try:
        return model_train(reason="schedule", now=now)
    finally:
        cache.delete(RETRAIN_LOCK)


def model_retrain_sweep(*, now: datetime) -> int:
    """The worker's sweep (added to `cases.hooks.SWEEPS` in `TriageConfig.ready`): 1 if the
    model was retrained."""
    try:
        return 1 if model_retrain_if_due(now=now) else 0
    except ApplicationError as exc:
        logger.info("triage not retrained: %s", exc.message)
        return 0


# The outbox channel on which the worker records a new case's suggestion.
SUGGESTION_CHANNEL = "triage"


def suggestions_queue_on_intake(*, cases) -> int:
    """Hook of `cases.hooks.CASE_FILED` (added in `TriageConfig.ready`): every intake channel
    queues its new appeals' suggestions here, a file's batch in one write. Each appeal gets an
    outbox row, written with the case; the worker records the suggestion from it
    (`SuggestionChannel`), so intake never waits for the model and a crash loses none. Only
    appeals: the model learns appeal items, so a service request has nothing to compare with."""
    return outbox_write(
        [
            outbox_message(
                channel=SUGGESTION_CHANNEL,
                recipient=str(case.pk),
                body=case.tracking_no,
                at=case.created_at,
            )
            for case in cases
            if case.kind == Case.Kind.APPEAL
        ]
    )


class SuggestionChannel:
    """Delivers a queued suggestion: what the active model suggests for the case named by the
    message is recorded as of the case's filing (`suggestion_record`; once: a repeat finds the
    record made already). A case gone since (merged away and deleted) has nothing to record."""

    def send(self, message) -> None:
        case = Case.objects.select_related("item", "estate").filter(pk=message.recipient).first()
        if case is not None:
            suggestion_record(case=case, now=case.created_at)


def suggestion_record(*, case, now: datetime | None = None) -> Suggestion | None:
    """Keep what the active model suggests for a newly filed case, next to the item filed.
    Nothing is recorded when there is no model or no usable suggestion; a case recorded
    already keeps its first record (the database's one-to-one says so, which spares intake a
    query). Never fails the intake it follows."""
    suggestion = _suggestion(case, now=now)
    if suggestion is None:
        return None
    try:
        with transaction.atomic():
            suggestion.save()
    except IntegrityError:
        return Suggestion.objects.get(case=case)
    return suggestion


def _suggestion(case, *, now) -> Suggestion | None:
    try:
        found = selectors.suggest(text=case.description, estate=case.estate)
    except Exception:  # a broken model must not lose a resident's report
        logger.exception("triage suggestion failed for case %s", case.pk)
        return None
    if not found.ranked:
        return None
    suggestion = Suggestion(
        case=case,
        model=found.model,
        created_at=now or timezone.now(),
        ranked=[[r.item.code, round(r.confidence, 4)] for r in found.ranked],
        top_item=found.top,
        filed_item=case.item,
        priority=found.priority,
    )
    suggestion.full_clean(exclude=["case", "model", "top_item", "filed_item"])
    return suggestion
