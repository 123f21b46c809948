"""The care assessment questionnaire and the one rule that turns answers into a risk level.

Every question belongs to one of three dimensions (physical health, mental state, family and
economic situation) and scores 0 (fine), 1 (some difficulty) or 2 (serious). The risk level:

- high: any *critical* question answered 2 (cannot get about or manage daily tasks alone,
  often low or hopeless, confused), or a total of 10 or more;
- medium: a total of 5 or more;
- low: anything else.

The risk level sets how often someone visits and when the next assessment is due.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from care.models import RiskLevel


@dataclass(frozen=True)
class Question:
    code: str
    dimension: str  # "physical", "mental" or "family"
    text: str
    choices: tuple  # labels for 0, 1 and 2 points
    critical: bool = False


DIMENSIONS = {
    "physical": _("Physical health"),
    "mental": _("Mental state"),
    "family": _("Family and economic situation"),
}

QUESTIONS = (
    Question(
        "mobility",
        "physical",
        _("Getting about"),
        (_("Walks freely"), _("Slowly or with a stick"), _("Mostly in bed or a wheelchair")),
        critical=True,
    ),
    Question(
        "daily_living",
        "physical",
        _("Daily tasks (washing, cooking, cleaning)"),
        (_("Manages alone"), _("Needs some help"), _("Cannot manage alone")),
        critical=True,
    ),
    Question(
        "illness",
        "physical",
        _("Chronic illness"),
        (_("None"), _("Stable, on medication"), _("Serious or several")),
    ),
    Question(
        "falls",
        "physical",
        _("Falls in the past year"),
        (_("None"), _("One"), _("Two or more")),
    ),
    Question(
        "mood",
        "mental",
        _("Mood"),
        (_("Cheerful"), _("Sometimes low"), _("Often low or hopeless")),
        critical=True,
    ),
    Question(
        "memory",
        "mental",
        _("Memory and orientation"),
        (_("Clear"), _("Forgets things sometimes"), _("Confused, gets lost")),
        critical=True,
    ),
    Question(
        "contact",
        "mental",
        _("Social contact"),
        (_("Sees people every day"), _("A few times a week"), _("Rarely sees anyone")),
    ),
    Question(
        "family",
        "family",
        _("Family support"),
        (_("Family visits every week"), _("Occasional contact"), _("No family to help")),
    ),
    Question(
        "income",
        "family",
        _("Income"),
        (_("Enough to live on"), _("Tight"), _("Below subsistence")),
    ),
    Question(
        "home_safety",
        "family",
        _("Home safety (gas, wiring, stairs)"),
        (_("Safe"), _("Minor risks"), _("Serious risks")),
    ),
)
QUESTION_CODES = tuple(q.code for q in QUESTIONS)

HIGH_TOTAL = 10
MEDIUM_TOTAL = 5

# How often someone visits, and when to assess again, by risk level (days).
VISIT_EVERY_DAYS = {RiskLevel.HIGH: 7, RiskLevel.MEDIUM: 14, RiskLevel.LOW: 30}
REASSESS_AFTER_DAYS = {RiskLevel.HIGH: 90, RiskLevel.MEDIUM: 180, RiskLevel.LOW: 365}
# Before the first assessment a new recipient is treated as high risk: someone goes soon.
UNASSESSED_VISIT_EVERY_DAYS = VISIT_EVERY_DAYS[RiskLevel.HIGH]


@dataclass(frozen=True)
class Result:
    physical: int
    mental: int
    family: int
    risk_level: str

    @property
    def total(self) -> int:
        return self.physical + self.mental + self.family


def score(answers: dict) -> Result:
    """Scores and risk level for a complete set of answers (question code -> 0, 1 or 2)."""
    missing = [code for code in QUESTION_CODES if answers.get(code) not in (0, 1, 2)]
    if missing:
        raise ValueError(f"unanswered or invalid: {', '.join(missing)}")
    by_dimension = {d: 0 for d in DIMENSIONS}
    for question in QUESTIONS:
        by_dimension[question.dimension] += answers[question.code]
    total = sum(by_dimension.values())
    critical = any(q.critical and answers[q.code] == 2 for q in QUESTIONS)
    if critical or total >= HIGH_TOTAL:
        level = RiskLevel.HIGH
    elif total >= MEDIUM_TOTAL:
        level = RiskLevel.MEDIUM
    else:
        level = RiskLevel.LOW
    return Result(by_dimension["physical"], by_dimension["mental"], by_dimension["family"], level)


def answer_rows(answers: dict) -> list[dict]:
    """The questionnaire as answered, for display."""
    rows = []
    for q in QUESTIONS:
        value = answers.get(q.code)
        rows.append(
            {
                "dimension": DIMENSIONS[q.dimension],
                "question": q.text,
                "answer": q.choices[value] if value in (0, 1, 2) else "",
                "points": value,
                "critical": q.critical and value == 2,
            }
        )
    return rows
