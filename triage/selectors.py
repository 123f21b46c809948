"""Reads for triage: the active model, suggestions for a text, duplicates, training data."""

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, F, Q
from django.utils import timezone

from cases.models import OPEN_STATUSES, Action, Case, CaseEvent
from catalog.models import Item, Priority, RoutingRule
from catalog.selectors import routing_resolve
from orgs.models import Building, Estate, OrgUnit
from triage.corpus import PHRASES, read_labelled
from triage.models import ModelVersion, Suggestion
from triage.text import similarity

MIN_TEXT = 4  # characters before a suggestion is worth making
DUPLICATE_SIMILARITY = 0.35  # Dice overlap of character bigrams
DUPLICATE_MEANING = 0.2  # how likely the new words are about an open case's item
LEARNED_EMERGENCY = 0.5  # confidence in an emergency item that makes the hint an emergency
SHOWN_MIN = 0.10  # a suggestion less likely than this is not worth a click
# A first suggestion this likely may stand for the item without asking (a resident's report
# in their own words); `triage_evaluate --residents` says how often it is then right.
CONFIDENT = 0.6

# ---------------------------------------------------------------------------------------------
# The active model, loaded once per process per version.

_loaded: dict[int, object] = {}
_load_lock = threading.Lock()


# Which version is active is read at most this often per process: intake asks for every
# case (a hotline's file holds thousands), and a new version comes only from training, which
# forgets it at once in its own process (`model_active_forget`).
ACTIVE_CHECK_SECONDS = 5.0
_active: dict[str, tuple[float, object]] = {}  # "meta": the active version, "items"


def model_active_forget() -> None:
    _active.clear()


def _appeal_items() -> dict[str, Item]:
    """The active appeal items by code, read again at most every few seconds like the model:
    intake asks for each case of a file, and items change only in the admin."""
    checked = _active.get("items")
    if checked is None or time.monotonic() - checked[0] > ACTIVE_CHECK_SECONDS:
        items = Item.objects.filter(is_active=True, kind=Item.Kind.APPEAL)
        checked = (time.monotonic(), {i.code: i for i in items.select_related("sla", "domain")})
        _active["items"] = checked
    return checked[1]


def model_active() -> tuple[ModelVersion, object] | None:
    """The active version and its pipeline; one small query every few seconds, the pipeline
    is cached."""
    checked = _active.get("meta")
    if checked is None or time.monotonic() - checked[0] > ACTIVE_CHECK_SECONDS:
        checked = (
            time.monotonic(),
            ModelVersion.objects.filter(is_active=True).defer("blob").first(),
        )
        _active["meta"] = checked
    meta = checked[1]
    if meta is None:
        return None
    with _load_lock:
        pipeline = _loaded.get(meta.pk)
        if pipeline is None:
            from triage import classifier  # scikit-learn: 2 s to import, so only when needed

            blob = ModelVersion.objects.values_list("blob", flat=True).get(pk=meta.pk)
            pipeline = classifier.loads(blob)
            _loaded.clear()  # keep one version in memory
            _loaded[meta.pk] = pipeline
    return meta, pipeline


# ---------------------------------------------------------------------------------------------
# Suggestions


@dataclass(frozen=True)
class Ranked:
    item: Item
    confidence: float

    @property
    def percent(self) -> int:
        return round(self.confidence * 100)


@dataclass(frozen=True)
class Suggestions:
    model: ModelVersion | None
    ranked: list[Ranked] = field(default_factory=list)
    priority: str = ""
    emergency_words: tuple[str, ...] = ()
    lead: str = ""  # RoutingRule.Party

    @property
    def top(self) -> Item | None:
        return self.ranked[0].item if self.ranked else None

    @property
    def shown(self) -> list[Ranked]:
        """The suggestions worth offering to a person."""
        return [r for r in self.ranked if r.confidence >= SHOWN_MIN]

    @property
    def confident(self) -> bool:
        """Sure enough to file the report under the first suggestion by itself."""
        return bool(self.ranked) and self.ranked[0].confidence >= CONFIDENT

    @property
    def is_emergency(self) -> bool:
        return self.priority == Priority.EMERGENCY

    def get_priority_display(self) -> str:
        return Priority(self.priority).label if self.priority else ""

    def get_lead_display(self) -> str:
        return RoutingRule.Party(self.lead).label if self.lead else ""


def suggest(*, text: str, estate: Estate | None = None, k: int = 3) -> Suggestions:
    """Top-k items for a description with the priority hint and the lead party.

    The priority combines the routing rules' emergency words (as intake applies them) with
    the learned signal: a confident suggestion of an item whose clock is an emergency one.
    """
    text = (text or "").strip()[:2000]
    active = model_active()
    if active is None or len(text) < MIN_TEXT:
        return Suggestions(model=active[0] if active else None)
    meta, pipeline = active
    from triage import classifier  # loaded with the model (see model_active)

    ranking = classifier.rank(pipeline, text, k=k)
    items = _appeal_items()
    ranked = [Ranked(items[code], p) for code, p in ranking if code in items]
    if not ranked:
        return Suggestions(model=meta)
    top = ranked[0]
    decision = routing_resolve(item=top.item, estate=estate, text=text)
    priority = decision.priority
    if top.item.sla.priority == Priority.EMERGENCY and top.confidence >= LEARNED_EMERGENCY:
        priority = Priority.EMERGENCY
    return Suggestions(
        model=meta,
        ranked=ranked,
        priority=priority,
        emergency_words=decision.emergency_words,
        lead=decision.lead
        if (estate is None or estate.company_id)
        else RoutingRule.Party.COMMUNITY,
    )


def item_from_words(*, text: str, estate: Estate | None = None) -> Item | None:
    """The item a resident's report is filed under when they left it to us: the first
    suggestion, if it is confident (`CONFIDENT`; right 98 % of the time on residents' own
    words), else None and the resident chooses (`cases.hooks.ITEM_FROM_WORDS`)."""
    found = suggest(text=text, estate=estate, k=1)
    return found.top if found.confident else None


# ---------------------------------------------------------------------------------------------
# Duplicates


@dataclass(frozen=True)
class Duplicate:
    case: Case
    similarity: float


def item_likelihoods(text: str) -> dict[str, float] | None:
    """How likely the text is about each appeal item (the active model's confidences, summing
    to 1), or None without a model or with too little text."""
    text = (text or "").strip()[:2000]
    active = model_active()
    if active is None or len(text) < MIN_TEXT:
        return None
    from triage import classifier  # loaded with the model (see model_active)

    pipeline = active[1]
    return dict(classifier.rank(pipeline, text, k=len(pipeline.classes_)))


def duplicates_find(
    *,
    item: Item,
    estate: Estate,
    text: str,
    building: Building | None = None,
    now: datetime | None = None,
    exclude_id: int | None = None,
    cases=None,
    days: int | None = None,
    limit: int = 3,
) -> list[Duplicate]:
    """Open cases at the same place (the building, or the estate when no building is known)
    filed within `days` days of `now` that look like the same problem, most alike first.

    Alike in meaning: the model reads the text as being about the case's item (first, or with
    at least `DUPLICATE_MEANING`), whatever item the new report was filed under, so a
    neighbour's words need share none with the first report's; or alike in words: the same item and character bigrams in
    common (`DUPLICATE_SIMILARITY`), which is all there is without a model. `cases` narrows
    the search (a staff member's scope)."""
    now = now or timezone.now()
    window = timedelta(days=settings.TRIAGE_DUPLICATE_DAYS if days is None else days)
    likely = item_likelihoods(text)
    first = max(likely, key=likely.get) if likely else None  # the model's first reading
    candidates = (cases if cases is not None else Case.objects.all()).filter(
        estate=estate,
        status__in=OPEN_STATUSES,
        created_at__gte=now - window,
        created_at__lte=now + window,
    )
    if likely is None:
        candidates = candidates.filter(item=item)
    else:
        candidates = candidates.filter(
            Q(item=item)
            | Q(item__code__in=[c for c, p in likely.items() if p >= DUPLICATE_MEANING])
            | Q(item__code=first)
        )
    if building is not None:
        candidates = candidates.filter(Q(building=building) | Q(building__isnull=True))
    if exclude_id:
        candidates = candidates.exclude(pk=exclude_id)
    found = []
    rows = candidates.select_related("item", "building", "estate").order_by("-created_at")
    for case in rows[:200]:
        meaning = likely.get(case.item.code, 0.0) if likely else 0.0
        if case.item.code == first:  # however unsure
            meaning = max(meaning, DUPLICATE_MEANING)
        words = similarity(text, case.description) if case.item_id == item.pk else 0.0
        if meaning >= DUPLICATE_MEANING or words >= DUPLICATE_SIMILARITY:
            found.append((meaning + words, Duplicate(case, max(meaning, words))))
    # Alike in both ways first: of one item's open cases, the one with the words in common.
    found.sort(key=lambda pair: (-pair[0], pair[1].case.created_at))
    return [duplicate for _score, duplicate in found[:limit]]


# ---------------------------------------------------------------------------------------------
# Training data


MAX_HISTORY = 20000  # the most recent labelled cases a model learns from
CORRECTED_WEIGHT = 3.0  # a staff correction says more than a resident's own choice
PHRASE_WEIGHT = 2.0  # a phrase written for an item (of 1, 2, 3, 5: 2 read residents best)


@dataclass(frozen=True)
class TrainingData:
    texts: list[str]
    labels: list[str]
    weights: list[float]
    user_words: list[str]
    counts: dict
    last_case_id: int
    last_event_id: int


def training_data(*, phrases: bool = True) -> TrainingData:
    """The catalogue (names, descriptions, keywords) and the phrases written for its items
    (`triage.corpus.PHRASES`), plus the labelled case history, with staff corrections counted
    more; user words from the catalogue and place names."""
    texts, labels, weights = [], [], []
    items = list(Item.objects.filter(is_active=True, kind=Item.Kind.APPEAL))
    words = set()
    for item in items:
        keywords = item.keywords.split() if isinstance(item.keywords, str) else list(item.keywords)
        for text in (item.name, item.description, " ".join(keywords), *keywords):
            if text:
                texts.append(text)
                labels.append(item.code)
                weights.append(1.0)
        words.update([item.name, *keywords])
    codes = {item.code for item in items}
    n_catalogue = len(texts)
    if phrases:
        for text, code in zip(*read_labelled(PHRASES), strict=True):
            if code in codes:
                texts.append(text)
                labels.append(code)
                weights.append(PHRASE_WEIGHT)
    n_phrases = len(texts) - n_catalogue
    corrected = set(
        CaseEvent.objects.filter(action=Action.RECLASSIFY).values_list("case_id", flat=True)
    )
    history = (
        Case.objects.filter(kind=Case.Kind.APPEAL, item__code__in=codes)
        .order_by("-pk")
        .values_list("pk", "description", "item__code")[:MAX_HISTORY]
    )
    last_case_id, n_history = 0, 0
    for pk, description, code in history:
        texts.append(description)
        labels.append(code)
        weights.append(CORRECTED_WEIGHT if pk in corrected else 1.0)
        last_case_id = max(last_case_id, pk)
        n_history += 1
    words.update(Estate.objects.values_list("name", flat=True))
    words.update(OrgUnit.objects.values_list("name", flat=True))
    last_event = CaseEvent.objects.filter(action=Action.RECLASSIFY).order_by("-pk").first()
    return TrainingData(
        texts=texts,
        labels=labels,
        weights=weights,
        user_words=sorted(w for w in words if w),
        counts={
            "catalogue": n_catalogue,
            "phrases": n_phrases,
            "cases": n_history,
            "corrected": len(corrected),
            "items": len(set(labels)),
        },
        last_case_id=last_case_id,
        last_event_id=last_event.pk if last_event else 0,
    )


def new_labels_since(model: ModelVersion) -> int:
    """Labelled cases and corrections that arrived after the model was trained."""
    cases = Case.objects.filter(kind=Case.Kind.APPEAL, pk__gt=model.last_case_id).count()
    events = CaseEvent.objects.filter(action=Action.RECLASSIFY, pk__gt=model.last_event_id)
    return cases + events.count()


def model_versions_latest(limit: int = 20):
    """The latest trained models, newest first, without their weights (the model page)."""
    return ModelVersion.objects.defer("blob").select_related("trained_by")[:limit]


# ---------------------------------------------------------------------------------------------
# How suggestions fared


def acceptance_by_version() -> list[dict]:
    """Per model version: cases suggested for, first suggestion accepted at intake, and
    corrected by staff afterwards (filed item changed)."""
    rows = (
        Suggestion.objects.values("model__version")
        .annotate(
            total=Count("pk"),
            accepted=Count("pk", filter=Q(top_item=F("filed_item"))),
            corrected=Count("pk", filter=~Q(case__item=F("filed_item"))),
        )
        .order_by("-model__version")
    )
    return [
        {
            "version": row["model__version"],
            "total": row["total"],
            "accepted": row["accepted"],
            "corrected": row["corrected"],
            "accepted_rate": row["accepted"] / row["total"] if row["total"] else 0,
            "corrected_rate": row["corrected"] / row["total"] if row["total"] else 0,
        }
        for row in rows
    ]


def appeal_item(code: str) -> Item | None:
    return Item.objects.filter(code=code, is_active=True, kind=Item.Kind.APPEAL).first()


def labelled_cases() -> int:
    return Case.objects.filter(kind=Case.Kind.APPEAL).count()
