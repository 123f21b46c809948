"""Triage measured on the loaded data: a suggestion for a resident's words, and the duplicate
search at an open case's place (the search intake runs before a report is filed)."""

import random
import time

from bench.measure import summary
from cases.models import OPEN_STATUSES, Case
from triage import selectors
from triage.corpus import RESIDENTS_WORDS, read_labelled
from triage.services import model_train


def triage_speed(*, samples: int = 300, seed: int = 20261202) -> dict:
    """In process: `samples` residents' reports (the held-out set, in turn) suggested for, and
    searched for duplicates at the place of a random open case. A model is trained first when
    none is active (the time is reported apart)."""
    trained = None
    if selectors.model_active() is None:
        started = time.perf_counter()
        model_train(reason="bench")
        trained = round(time.perf_counter() - started, 1)
    rng = random.Random(seed)
    texts, _labels = read_labelled(RESIDENTS_WORDS)
    last = Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    places = []
    while len(places) < samples and last:
        case = (
            Case.objects.filter(status__in=OPEN_STATUSES, pk__gte=rng.randint(1, last))
            .select_related("item", "estate", "building")
            .order_by("pk")
            .first()
        )
        if case is not None:
            places.append(case)
    selectors.suggest(text=texts[0])  # warm up: the model's load and jieba's dictionary
    suggest_ms, duplicates_ms, found = [], [], 0
    for n, case in enumerate(places):
        text = texts[n % len(texts)]
        started = time.perf_counter()
        top = selectors.suggest(text=text, estate=case.estate).top or case.item
        suggest_ms.append(1000 * (time.perf_counter() - started))
        started = time.perf_counter()
        hits = selectors.duplicates_find(
            item=top, estate=case.estate, building=case.building, text=text
        )
        duplicates_ms.append(1000 * (time.perf_counter() - started))
        found += bool(hits)
    return {
        "model_trained_seconds": trained,
        "suggest_ms": summary(suggest_ms) if suggest_ms else None,
        "duplicate_search_ms": summary(duplicates_ms) if duplicates_ms else None,
        "searches_with_a_hit": found,
        "targets": "suggestion under 10 ms, duplicate search under 30 ms",
    }
