"""Measuring triage honestly: a held-out file, cross-validation, and duplicates with known
answers injected into the case history. Used by `manage.py triage_evaluate`."""

import csv
import random
import time
from datetime import timedelta
from pathlib import Path

from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import RepeatedStratifiedKFold

from cases.models import OPEN_STATUSES, Case
from orgs.models import Building
from triage import classifier
from triage.selectors import duplicates_find


class BadFile(ValueError):
    pass


def read_labelled(path) -> tuple[list[str], list[str]]:
    """Rows of a `text,label` CSV (UTF-8); a missing file or column is a clear error."""
    path = Path(path)
    if not path.is_file():
        raise BadFile(f"{path}: no such file")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or not {"text", "label"} <= set(reader.fieldnames):
            raise BadFile(f"{path}: the CSV needs the columns text,label")
        rows = [(r["text"] or "", (r["label"] or "").strip()) for r in reader]
    rows = [(t, label) for t, label in rows if t.strip() and label]
    if not rows:
        raise BadFile(f"{path}: no labelled rows")
    return [t for t, _l in rows], [label for _t, label in rows]


def _scores(truth, predicted) -> dict:
    labels = sorted(set(truth) | set(predicted))
    per_label = f1_score(truth, predicted, labels=labels, average=None, zero_division=0)
    return {
        "accuracy": round(accuracy_score(truth, predicted), 4),
        "macro_f1": round(
            f1_score(truth, predicted, labels=sorted(set(truth)), average="macro", zero_division=0),
            4,
        ),
        "per_label_f1": {
            label: round(float(f), 4) for label, f in zip(labels, per_label, strict=True)
        },
    }


def evaluate_files(train_path, test_path) -> dict:
    """Train a fresh model of the production recipe on one file, predict the other."""
    train_texts, train_labels = read_labelled(train_path)
    test_texts, test_labels = read_labelled(test_path)
    if len(set(train_labels)) < 2:
        raise BadFile(f"{train_path}: at least two labels are needed to learn")
    started = time.perf_counter()
    pipeline = classifier.fit(train_texts, train_labels)
    trained = time.perf_counter() - started
    classifier.rank(pipeline, test_texts[0])  # warm up (jieba's dictionary, caches)
    predicted = []
    started = time.perf_counter()
    for text in test_texts:
        predicted.append(classifier.rank(pipeline, text, k=1)[0][0])
    elapsed = time.perf_counter() - started
    return {
        "train_rows": len(train_texts),
        "test_rows": len(test_texts),
        **_scores(test_labels, predicted),
        "ms_per_prediction": round(1000 * elapsed / len(test_texts), 3),
        "train_seconds": round(trained, 2),
    }


def cross_validate(path, *, folds: int = 5, repeats: int = 3, seed: int = 42) -> dict:
    """Stratified k-fold, repeated: the mean and spread of macro-F1 and accuracy."""
    texts, labels = read_labelled(path)
    splitter = RepeatedStratifiedKFold(n_splits=folds, n_repeats=repeats, random_state=seed)
    f1s, accuracies = [], []
    for train, test in splitter.split(texts, labels):
        pipeline = classifier.fit([texts[i] for i in train], [labels[i] for i in train])
        predicted = pipeline.predict([texts[i] for i in test])
        truth = [labels[i] for i in test]
        f1s.append(f1_score(truth, predicted, average="macro", zero_division=0))
        accuracies.append(accuracy_score(truth, predicted))

    def stats(values):
        mean = sum(values) / len(values)
        spread = (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5
        return {"mean": round(mean, 4), "std": round(spread, 4)}

    return {
        "rows": len(texts),
        "folds": folds,
        "repeats": repeats,
        "macro_f1": stats(f1s),
        "accuracy": stats(accuracies),
    }


OPENINGS = ["你好，", "物业你好，", "", "麻烦看一下，"]
ENDINGS = ["", "麻烦尽快处理。", "谢谢！", "好几天了，没人管。"]


def _reword(text: str, rng: random.Random) -> str:
    """A neighbour reporting the same thing: other greetings and endings, a bit left out."""
    core = text.strip().rstrip("。！!")
    if len(core) > 16 and rng.random() < 0.5:
        cut = rng.randrange(len(core) // 2, len(core))
        core = core[:cut]
    return rng.choice(OPENINGS) + core + "，" + rng.choice(ENDINGS)


def evaluate_duplicates(*, limit: int = 200, seed: int = 7) -> dict:
    """Inject known duplicates of open cases (reworded, filed hours later at the same place)
    and known non-duplicates (the same words at another estate; another problem's words at
    the same building), then check what the intake's duplicate search finds. Nothing is
    written to the database."""
    rng = random.Random(seed)
    open_cases = list(
        Case.objects.filter(status__in=OPEN_STATUSES, kind=Case.Kind.APPEAL)
        .select_related("item", "estate", "building")
        .order_by("pk")
    )
    rng.shuffle(open_cases)
    open_cases = open_cases[:limit]
    buildings = {}
    for building in Building.objects.order_by("pk"):
        buildings.setdefault(building.estate_id, building)  # one building per estate
    tp = fn = fp = extra = probes_negative = 0
    for case in open_cases:
        when = case.created_at + timedelta(hours=rng.randint(1, 48))
        found = duplicates_find(
            item=case.item,
            estate=case.estate,
            building=case.building,
            text=_reword(case.description, rng),
            now=when,
        )
        ids = {d.case.pk for d in found}
        if case.pk in ids:
            tp += 1
        else:
            fn += 1
        extra += len(ids - {case.pk})  # other open cases of the same item and place: unlabelled
        probes, wrong = _negative_probes(case, when, open_cases=open_cases, buildings=buildings)
        probes_negative += probes
        fp += wrong
    found_total = tp + fp
    return {
        "injected_duplicates": len(open_cases),
        "negative_probes": probes_negative,
        "true_positives": tp,
        "false_negatives": fn,
        "false_positives": fp,
        "precision": round(tp / found_total, 4) if found_total else None,
        "recall": round(tp / (tp + fn), 4) if (tp + fn) else None,
        "other_same_place_hits": extra,
    }


def _negative_probes(case, when, *, open_cases, buildings) -> tuple[int, int]:
    """Reports that are not duplicates of `case`; returns how many, and how many hits they got."""
    probes = found = 0
    elsewhere = next((b for e, b in buildings.items() if e != case.estate_id), None)
    if elsewhere is not None:  # the same words, reported at a building of another estate
        probes += 1
        wrong = duplicates_find(
            item=case.item,
            estate=elsewhere.estate,
            building=elsewhere,
            text=case.description,
            now=when,
        )
        found += len(wrong)  # strict: any hit for these words elsewhere counts against
    other = next((c for c in open_cases if c.item_id != case.item_id and c.description), None)
    if other is not None:
        probes += 1
        wrong = duplicates_find(
            item=case.item,
            estate=case.estate,
            building=case.building,
            text=other.description,
            now=when,
        )
        found += len(wrong)  # another problem's words never make a duplicate
    return probes, found
