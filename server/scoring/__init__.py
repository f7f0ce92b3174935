"""The pure scoring engine: rule, target, actual and weight in; an exact, explained score out."""

from server.scoring.engine import IndicatorScore, Status, TotalScore, score_indicator, score_total
from server.scoring.grades import DEFAULT_GRADE_BANDS, GradeBand, grade_for
from server.scoring.messages import ScoreReason

__all__ = [
    "DEFAULT_GRADE_BANDS",
    "GradeBand",
    "IndicatorScore",
    "ScoreReason",
    "Status",
    "TotalScore",
    "grade_for",
    "score_indicator",
    "score_total",
]
