import pytest

from care.models import RiskLevel
from care.questionnaire import score
from care.tests.conftest import answers


def test_score_all_fine_is_low_risk():
    result = score(answers())
    assert (result.physical, result.mental, result.family, result.total) == (0, 0, 0, 0)
    assert result.risk_level == RiskLevel.LOW


def test_score_adds_up_each_dimension():
    result = score(answers(illness=1, falls=2, contact=1, income=2, home_safety=1))
    assert (result.physical, result.mental, result.family) == (3, 1, 3)


def test_score_medium_from_a_total_of_five():
    assert score(answers(illness=1, falls=1, contact=1, family=1)).risk_level == RiskLevel.LOW
    assert (
        score(answers(illness=1, falls=1, contact=1, family=1, income=1)).risk_level
        == RiskLevel.MEDIUM
    )


def test_score_high_from_a_total_of_ten():
    nine = answers(mobility=1, daily_living=1, illness=2, falls=2, mood=1, contact=1, family=1)
    assert score(nine).risk_level == RiskLevel.MEDIUM
    assert score(nine | {"income": 1}).risk_level == RiskLevel.HIGH


@pytest.mark.parametrize("critical", ["mobility", "daily_living", "mood", "memory"])
def test_score_high_from_one_critical_answer(critical):
    assert score(answers(**{critical: 2})).risk_level == RiskLevel.HIGH


def test_score_a_serious_non_critical_answer_alone_is_low():
    assert score(answers(income=2)).risk_level == RiskLevel.LOW


def test_score_refuses_missing_or_invalid_answers():
    incomplete = answers()
    del incomplete["mood"]
    with pytest.raises(ValueError):
        score(incomplete)
    with pytest.raises(ValueError):
        score(answers(mood=3))
