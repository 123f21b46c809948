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


def suggestion_record_on_intake(*, cases) -> list[Suggestion]:
    """Hook of `cases.hooks.CASE_FILED` (added in `TriageConfig.ready`): every intake channel
    records its suggestions here, in one place, a file's batch in one write. Only appeals: the
    model learns appeal items, so a service request has nothing to compare with. Intake runs
    it in a savepoint of its own, so a failure (logged) never undoes the cases."""
    suggestions = [
        s
        for case in cases
        if case.kind == Case.Kind.APPEAL and (s := _suggestion(case, now=case.created_at))
    ]
    return Suggestion.objects.bulk_create(suggestions, ignore_conflicts=True)


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
