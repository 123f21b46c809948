import numpy as np
import pytest

from triage import classifier

TEXTS = {
    "leak": ["楼上漏水，天花板一直滴水", "卫生间渗水，墙皮泡了", "水管爆了，楼道全是水"],
    "lift": ["电梯坏了，按键没反应", "电梯困人了，快来人", "电梯门关不上，一直响"],
    "litter": [
        "楼道堆满杂物，影响通行",
        "垃圾桶满了没人清运",
        "单元门口垃圾堆了三天",
        "纸箱堆在楼梯口",
    ],
}


def _data():
    texts = [t for ts in TEXTS.values() for t in ts]
    labels = [label for label, ts in TEXTS.items() for _t in ts]
    return texts, labels


def test_one_text_scores_as_the_batch_transform_does():
    model = classifier.fit(*_data())
    probes = ["楼上漏水了。已经三天了，没人管", "电梯又坏了", "楼道里的纸箱"]

    batch = model.decision_function(probes)
    one_by_one = np.vstack([model.decision_function([p]) for p in probes])

    np.testing.assert_allclose(one_by_one, batch, rtol=1e-5, atol=1e-6)
    assert list(model.predict(probes)) == ["leak", "lift", "litter"]


def test_scores_are_shifted_by_the_log_share_of_each_label(monkeypatch):
    texts, labels = _data()
    monkeypatch.setattr(classifier, "PRIOR_SHIFT", 0.0)
    plain = classifier.fit(texts, labels)
    monkeypatch.setattr(classifier, "PRIOR_SHIFT", 0.25)
    shifted = classifier.fit(texts, labels)

    shares = np.array([3, 3, 4]) / 10  # leak, lift, litter
    np.testing.assert_allclose(
        shifted.decision_function(["电梯坏了"]) - plain.decision_function(["电梯坏了"]),
        [-0.25 * np.log(shares)],
        atol=1e-3,  # the two SVM fits agree to float32 precision, not exactly
    )


def test_a_model_pickled_before_block_weights_still_predicts():
    model = classifier.fit(*_data())
    model.parts = [(part, vectorizer) for part, vectorizer, _weight in model.parts]

    loaded = classifier.loads(classifier.dumps(model))

    assert [weight for *_p, weight in loaded.parts] == [1.0, 1.0, 1.0, 1.0]
    assert list(loaded.predict(["电梯坏了", "楼上漏水"])) == ["lift", "leak"]
    assert classifier.rank(loaded, "电梯坏了", k=1)[0][0] == "lift"


@pytest.mark.parametrize("n", [1, 3])
def test_rank_gives_confidences_that_sum_to_at_most_one(n):
    ranked = classifier.rank(classifier.fit(*_data()), "电梯坏了，按键没反应", k=n)

    assert len(ranked) == n and ranked[0][0] == "lift"
    assert 0 < sum(p for _l, p in ranked) <= 1 + 1e-9
