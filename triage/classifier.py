"""The text classifier: one recipe for production and for the evaluation command.

Features: sublinear TF-IDF blocks, each l2-normalised, over the normalised text (its first
1000 characters) and over its first sentence, which carries the gist (a resident's opening,
a message board's subject line):
- whole text: character 1–2-grams (n-grams in at least 2 texts and at most half of them)
  and jieba words;
- first sentence: character 1–3-grams and jieba words, weighted 0.6 (it is also inside the
  whole text, so it counts about one and a half times).

Model: NB-SVM (Wang & Manning 2012): per item, features scaled by their naive-Bayes
log-count ratio and a linear SVM with balanced class weights; blended 70/30 with a ridge
classifier on the same features, each side scaled by the spread of its training scores.
Decision: the blended scores minus 0.25 × log(the item's share of the training weight), a
post-hoc logit adjustment (Menon et al. 2021) so that frequent items do not crowd out rare
ones; it is what lifts macro-F1 most.

Prediction skips scikit-learn's pipeline machinery (validation, parallel wrappers) and is
plain arithmetic on one sparse row: a few milliseconds.
"""

import io
import math

import joblib
import numpy as np
import sklearn
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import RidgeClassifier
from sklearn.svm import LinearSVC

from triage.text import Words, normalize, title_of

CONFIDENCE_SCALE = 3.0  # turns decision values into a softmax that reads like a confidence
MAX_ITER = 10000
RIDGE_ALPHA = 3.0
RIDGE_SHARE = 0.3  # of the blend; NB-SVM carries the rest
NB_ALPHA = 1.0  # smoothing of the feature counts behind the NB-SVM ratios
SMALL = 50  # below this many texts, keep every n-gram (frequency cut-offs need data)
MAX_CHARS = 1000  # the gist is in the opening; long letters cost time, not accuracy
TEXT_NGRAMS = (1, 2)  # characters of the whole text (the first sentence keeps 1–3)
TITLE_WEIGHT = 0.6  # the first sentence is also inside the whole text: count it once and a half
PRIOR_SHIFT = 0.25  # logit adjustment: scores minus this times log(class share) (macro-F1)


class TextModel:
    """Four vectorisers (whole text and first sentence × characters and words) and a
    linear model. Picklable: the user words travel with it."""

    def __init__(self, *, user_words=(), small: bool = False, C: float = 3.0):
        def chars(ngram_range, min_df=1, max_df=1.0):
            return TfidfVectorizer(
                analyzer="char",
                ngram_range=ngram_range,
                sublinear_tf=True,
                min_df=min_df,
                max_df=max_df,
                dtype=np.float32,
            )

        def words():
            return TfidfVectorizer(analyzer=Words(user_words), sublinear_tf=True, dtype=np.float32)

        text_chars = chars(TEXT_NGRAMS) if small else chars(TEXT_NGRAMS, 2, 0.5)
        # (which part of the text, vectoriser, weight of its block)
        self.parts = [
            ("text", text_chars, 1.0),
            ("text", words(), 1.0),
            ("title", chars((1, 3)), TITLE_WEIGHT),
            ("title", words(), TITLE_WEIGHT),
        ]
        self.C = C

    @staticmethod
    def _views(texts):
        normal = [normalize(t[:MAX_CHARS]) for t in texts]
        return {"text": normal, "title": [title_of(t) for t in normal]}

    def fit(self, texts, labels, sample_weight=None):
        views = self._views(texts)
        matrix = sparse.hstack(
            [vectorizer.fit_transform(views[part]) * w for part, vectorizer, w in self.parts]
        ).tocsr()
        labels = np.asarray(labels)
        weights = np.ones(len(labels)) if sample_weight is None else np.asarray(sample_weight)
        self.classes_ = np.unique(labels)
        present = (matrix > 0).astype(np.float64)
        coefs, intercepts = [], []
        for label in self.classes_:
            # NB-SVM: scale each feature by how much more often it occurs in this class than
            # in the others (log-count ratio), then one linear SVM per class.
            mine = labels == label
            p = NB_ALPHA + present[mine].T @ weights[mine]
            q = NB_ALPHA + present[~mine].T @ weights[~mine]
            ratio = np.log((p / p.sum()) / (q / q.sum()))
            svm = LinearSVC(C=self.C, class_weight="balanced", max_iter=MAX_ITER)
            svm.fit(matrix.multiply(ratio).tocsr(), mine, sample_weight=weights)
            coefs.append(svm.coef_.ravel() * ratio)  # the same score on unscaled features
            intercepts.append(svm.intercept_[0])
        nb_coef, nb_intercept = np.column_stack(coefs), np.asarray(intercepts)
        # Blend with a ridge classifier on the plain features: both are linear, so the blend
        # is one set of coefficients, each side scaled by the spread of its training scores.
        ridge = RidgeClassifier(alpha=RIDGE_ALPHA, class_weight="balanced")
        ridge.fit(matrix, labels, sample_weight=weights)
        ridge_coef, ridge_intercept = ridge.coef_.T, ridge.intercept_
        if ridge_coef.shape[1] == 1:  # two classes: one margin, for the second
            ridge_coef = np.column_stack([-ridge_coef[:, 0], ridge_coef[:, 0]])
            ridge_intercept = np.array([-ridge_intercept[0], ridge_intercept[0]])
        nb_spread = np.std(matrix @ nb_coef + nb_intercept) or 1.0
        ridge_spread = np.std(matrix @ ridge_coef + ridge_intercept) or 1.0
        share = RIDGE_SHARE
        coef = (1 - share) * nb_coef / nb_spread + share * ridge_coef / ridge_spread
        intercept = (1 - share) * nb_intercept / nb_spread + share * ridge_intercept / ridge_spread
        shares = np.array([weights[labels == label].sum() for label in self.classes_])
        intercept = intercept - PRIOR_SHIFT * np.log(shares / shares.sum())
        self._coef = np.ascontiguousarray(coef, dtype=np.float32)
        self._intercept = np.asarray(intercept, dtype=np.float32)
        return self

    def __setstate__(self, state):
        # Models pickled before block weights existed have (part, vectoriser) pairs.
        state["parts"] = [(*p, 1.0) if len(p) == 2 else p for p in state["parts"]]
        self.__dict__.update(state)

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_tables", None)  # rebuilt on first use after loading
        return state

    def _prepare(self):
        """Per vectoriser: its analyser, vocabulary, idf, block weight and column offset."""
        tables, offset = [], 0
        for part, vectorizer, weight in self.parts:
            analyzer = vectorizer.build_analyzer()
            tables.append((part, analyzer, vectorizer.vocabulary_, vectorizer.idf_, weight, offset))
            offset += len(vectorizer.vocabulary_)
        self._tables = tables
        return tables

    def _scores_one(self, text: str):
        """TF-IDF (sublinear tf, l2 per vectoriser, times the block's weight) of one text
        times the coefficients, computed directly: the same numbers as `transform`, without
        its overhead."""
        tables = getattr(self, "_tables", None) or self._prepare()
        views = self._views([text])
        columns, values = [], []
        for part, analyzer, vocabulary, idf, weight, offset in tables:
            counts: dict[int, int] = {}
            for token in analyzer(views[part][0]):
                index = vocabulary.get(token)
                if index is not None:
                    counts[index] = counts.get(index, 0) + 1
            if not counts:
                continue
            indices = np.fromiter(counts, dtype=np.int64, count=len(counts))
            tfidf = (1 + np.log(np.fromiter(counts.values(), dtype=np.float32))) * idf[indices]
            norm = np.sqrt(np.dot(tfidf, tfidf))
            columns.append(indices + offset)
            values.append(tfidf * (weight / norm) if norm else tfidf)
        if not columns:
            return self._intercept.copy()
        columns, values = np.concatenate(columns), np.concatenate(values)
        return values @ self._coef[columns] + self._intercept

    def decision_function(self, texts):
        if len(texts) == 1:
            scores = self._scores_one(texts[0])[np.newaxis, :]
        else:
            views = self._views(texts)
            with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
                matrix = sparse.hstack(
                    [vectorizer.transform(views[part]) * w for part, vectorizer, w in self.parts]
                ).tocsr()
            scores = np.asarray(matrix @ self._coef + self._intercept)
        if scores.shape[1] == 1:  # two classes: one margin, for the second
            scores = np.column_stack([-scores[:, 0], scores[:, 0]])
        return scores

    def predict(self, texts):
        return self.classes_[np.argmax(self.decision_function(texts), axis=1)]


def fit(texts, labels, *, weights=None, user_words=()) -> TextModel:
    texts = list(texts)
    model = TextModel(user_words=user_words, small=len(texts) < SMALL)
    return model.fit(texts, list(labels), sample_weight=weights)


def rank(model: TextModel, text: str, k: int = 3) -> list[tuple[str, float]]:
    """The k most likely labels with a confidence each (a softmax of the decision values)."""
    scores = model.decision_function([text])[0]
    top = float(max(scores))
    exp = [math.exp(CONFIDENCE_SCALE * (float(s) - top)) for s in scores]
    total = sum(exp)
    ranked = sorted(zip(model.classes_, (e / total for e in exp), strict=True), key=lambda p: -p[1])
    return [(str(label), float(p)) for label, p in ranked[:k]]


def dumps(model: TextModel) -> bytes:
    buffer = io.BytesIO()
    joblib.dump(model, buffer, compress=3)
    return buffer.getvalue()


def loads(blob: bytes) -> TextModel:
    return joblib.load(io.BytesIO(bytes(blob)))
