"""Measuring triage honestly: a held-out file, cross-validation, and duplicates with known
answers injected into the case history. Used by `manage.py triage_evaluate`."""

import random
import re
import time
from datetime import timedelta

from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import RepeatedStratifiedKFold

from cases.models import OPEN_STATUSES, Case
from orgs.models import Building
from triage import classifier
from triage.corpus import RESIDENTS_WORDS, BadFile, read_labelled, rewordings
from triage.selectors import CONFIDENT, duplicates_find, training_data
from triage.text import bigrams


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


def evaluate_residents(path=RESIDENTS_WORDS) -> dict:
    """Residents' own words, never trained on: top-1 and top-3 of models trained as
    production trains them (this database's catalogue and labelled cases), with and without
    the written phrases, and how often a confident first suggestion (the report form fills
    the item by itself) is right."""
    texts, labels = read_labelled(path)
    result = {"rows": len(texts), "items": len(set(labels))}
    for name, phrases in (("without_phrases", False), ("with_phrases", True)):
        data = training_data(phrases=phrases)
        pipeline = classifier.fit(
            data.texts, data.labels, weights=data.weights, user_words=data.user_words
        )
        ranked = [classifier.rank(pipeline, text, k=3) for text in texts]
        top1 = sum(r[0][0] == label for r, label in zip(ranked, labels, strict=True))
        top3 = sum(label in {c for c, _p in r} for r, label in zip(ranked, labels, strict=True))
        confident = [
            r[0][0] == label
            for r, label in zip(ranked, labels, strict=True)
            if r[0][1] >= CONFIDENT
        ]
        result[name] = {
            "training_rows": len(data.texts),
            "top1": round(top1 / len(texts), 4),
            "top3": round(top3 / len(texts), 4),
            "macro_f1": _scores(labels, [r[0][0] for r in ranked])["macro_f1"],
            "confident_share": round(len(confident) / len(texts), 4),
            "confident_right": round(sum(confident) / len(confident), 4) if confident else None,
        }
    return result


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


def _template_pattern(template: str) -> re.Pattern:
    """A demo template as a pattern of the reports it makes: placeholders match anything."""
    parts = re.split(r"\{[a-z_]+\}", template)
    return re.compile(".+?".join(re.escape(p) for p in parts))


def _hard_rewording(text: str, rng: random.Random, patterns) -> str | None:
    """Another resident's words for a demo report, sharing no two characters with it (from
    `triage.corpus.REWORDINGS`), or None when no template made it."""
    for pattern, others in patterns:
        if pattern.match(text):
            return rng.choice(others)
    return None


def _shares_bigram(a: str, b: str) -> bool:
    return bool(bigrams(a) & bigrams(b))


def evaluate_duplicates(*, limit: int = 200, seed: int = 7, hard: bool = False) -> dict:
    """Inject known duplicates of open cases (reworded, filed hours later at the same place)
    and known non-duplicates (the same words at another estate; another problem's words at
    the same building), then check what the intake's duplicate search finds. `hard`: the
    repeats are rewordings sharing no two-character word with the report. Nothing is written
    to the database.

    A hit counts against only where it is known wrong: the injected case found for words
    said elsewhere, or a case of another item found for another problem's words (other open
    cases of the same item and place are unlabelled, counted apart)."""
    rng = random.Random(seed)
    patterns = [(_template_pattern(t), r) for t, r in rewordings().items()] if hard else []
    open_cases = list(
        Case.objects.filter(status__in=OPEN_STATUSES, kind=Case.Kind.APPEAL)
        .select_related("item", "estate", "building")
        .order_by("pk")
    )
    rng.shuffle(open_cases)
    buildings = {}
    for building in Building.objects.order_by("pk"):
        buildings.setdefault(building.estate_id, building)  # one building per estate
    tp = fn = fp = extra = probes_negative = shared = injected = 0
    started, searches = time.perf_counter(), 0
    for case in open_cases:
        if injected == limit:
            break
        if hard:
            repeat = _hard_rewording(case.description, rng, patterns)
            if repeat is None:
                continue
            shared += _shares_bigram(repeat, case.description)
        else:
            repeat = _reword(case.description, rng)
        injected += 1
        when = case.created_at + timedelta(hours=rng.randint(1, 48))
        found = duplicates_find(
            item=case.item, estate=case.estate, building=case.building, text=repeat, now=when
        )
        searches += 1
        ids = {d.case.pk for d in found}
        if case.pk in ids:
            tp += 1
        else:
            fn += 1
        extra += len(ids - {case.pk})
        probes, wrong, unlabelled = _negative_probes(
            case, when, open_cases=open_cases, buildings=buildings
        )
        probes_negative += probes
        searches += probes
        fp += wrong
        extra += unlabelled
    elapsed = time.perf_counter() - started
    found_total = tp + fp
    return {
        "variant": "hard" if hard else "reworded",
        "injected_duplicates": injected,
        "sharing_a_bigram": shared,
        "negative_probes": probes_negative,
        "true_positives": tp,
        "false_negatives": fn,
        "false_positives": fp,
        "precision": round(tp / found_total, 4) if found_total else None,
        "recall": round(tp / (tp + fn), 4) if (tp + fn) else None,
        "other_same_place_hits": extra,
        "ms_per_search": round(1000 * elapsed / searches, 2) if searches else None,
    }


def _negative_probes(case, when, *, open_cases, buildings) -> tuple[int, int, int]:
    """Reports that are not duplicates of `case`: how many, how many known-wrong hits they
    got, and how many unlabelled ones."""
    probes = wrong = unlabelled = 0
    elsewhere = next((b for e, b in buildings.items() if e != case.estate_id), None)
    if elsewhere is not None:  # the same words, reported at a building of another estate
        probes += 1
        hits = duplicates_find(
            item=case.item,
            estate=elsewhere.estate,
            building=elsewhere,
            text=case.description,
            now=when,
        )
        wrong += sum(d.case.pk == case.pk for d in hits)
        unlabelled += sum(d.case.pk != case.pk for d in hits)
    other = next((c for c in open_cases if c.item_id != case.item_id and c.description), None)
    if other is not None:  # another problem's words, filed under this item at this place
        probes += 1
        hits = duplicates_find(
            item=case.item,
            estate=case.estate,
            building=case.building,
            text=other.description,
            now=when,
        )
        wrong += sum(d.case.item_id != other.item_id for d in hits)
        unlabelled += sum(d.case.item_id == other.item_id for d in hits)
    return probes, wrong, unlabelled
