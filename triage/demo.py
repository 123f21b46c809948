"""Demo: the first triage model, trained on the demo catalogue and history, and what it
would have suggested for the most recent cases (so the model page has figures)."""

from django.db import transaction

from cases.models import Case
from triage import selectors
from triage.models import ModelVersion, Suggestion
from triage.services import model_train

RECENT = 300


def seed_triage() -> int:
    """Train version 1 if no model exists; returns the suggestions recorded (0 if done)."""
    if ModelVersion.objects.exists():
        return 0
    model = model_train(reason="demo")
    recent = list(
        Case.objects.filter(kind=Case.Kind.APPEAL)
        .select_related("estate", "item")
        .order_by("-created_at")[:RECENT]
    )
    rows = []
    for case in recent:
        found = selectors.suggest(text=case.description, estate=case.estate)
        if found.ranked:
            rows.append(
                Suggestion(
                    case=case,
                    model=model,
                    created_at=case.created_at,
                    ranked=[[r.item.code, round(r.confidence, 4)] for r in found.ranked],
                    top_item=found.top,
                    filed_item=case.item,
                    priority=found.priority,
                )
            )
    with transaction.atomic():
        Suggestion.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
