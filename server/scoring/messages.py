"""Every reason code of the scoring engine and every text it explains a score with, in English
and Simplified Chinese, kept here in one place.

A template is a ``str.format`` pattern; numbers arrive already formatted for display.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ScoreReason(StrEnum):
    """Why an indicator or a total came out as it did. Data conditions never raise: they end
    up here, in the result."""

    MISSING_ACTUAL = "missing_actual"
    MISSING_TARGET = "missing_target"
    ZERO_TARGET = "zero_target"
    NEGATIVE_TARGET = "negative_target"
    ZERO_ACTUAL_LOWER = "zero_actual_lower"
    ZERO_ACTUAL_LOWER_CAPPED = "zero_actual_lower_capped"
    ZERO_ACTUAL_LOWER_TOP_BAND = "zero_actual_lower_top_band"
    NEGATIVE_ACTUAL_LOWER = "negative_actual_lower"
    NEGATIVE_ACTUAL = "negative_actual"
    MISSING_ZERO_ANCHOR = "missing_zero_anchor"
    ZERO_SPAN = "zero_span"
    MISSING_PENALTY = "missing_penalty"
    MISSING_BANDS = "missing_bands"
    BELOW_BANDS = "below_bands"
    RATING_OUT_OF_RANGE = "rating_out_of_range"
    OVERACHIEVED = "overachieved"
    CAPPED = "capped"
    FLOORED = "floored"
    DISTANCE_FLOOR = "distance_floor"
    GATE = "gate"
    INCOMPLETE = "incomplete"
    NO_WEIGHT = "no_weight"


# ScoreReason code -> (English, 简体中文). Notes follow the formula of an indicator that scored;
# the others stand alone, in place of a formula, when no score could be computed.
REASONS: dict[ScoreReason, tuple[str, str]] = {
    ScoreReason.MISSING_ACTUAL: (
        "no actual yet: the score is incomplete",
        "尚无实际值：得分不完整",
    ),
    ScoreReason.MISSING_TARGET: (
        "no target set: the score is incomplete",
        "未设定目标值：得分不完整",
    ),
    ScoreReason.ZERO_TARGET: (
        "the target is 0, so a ratio is undefined",
        "目标值为 0，比率无定义",
    ),
    ScoreReason.NEGATIVE_TARGET: (
        "the target {target} is negative, so a ratio is undefined",
        "目标值 {target} 为负数，比率无定义",
    ),
    ScoreReason.ZERO_ACTUAL_LOWER: (
        "the actual is 0 under lower-is-better and no cap is set, so the score is undefined",
        "越低越好的指标实际值为 0 且未设封顶，得分无定义",
    ),
    ScoreReason.ZERO_ACTUAL_LOWER_CAPPED: (
        "actual 0 under lower-is-better scores the cap",
        "越低越好的指标实际值为 0，按封顶计分",
    ),
    ScoreReason.ZERO_ACTUAL_LOWER_TOP_BAND: (
        "actual 0 under lower-is-better reaches the top band",
        "越低越好的指标实际值为 0，取最高档位",
    ),
    ScoreReason.NEGATIVE_ACTUAL_LOWER: (
        "the actual {actual} is negative under lower-is-better, so the score is undefined",
        "越低越好的指标实际值 {actual} 为负数，得分无定义",
    ),
    ScoreReason.NEGATIVE_ACTUAL: ("negative actual", "实际值为负数"),
    ScoreReason.MISSING_ZERO_ANCHOR: (
        "the linear rule has no zero anchor",
        "线性规则未设零分点",
    ),
    ScoreReason.ZERO_SPAN: (
        "the zero anchor equals the target, so the line is undefined",
        "零分点等于目标值，线性规则无定义",
    ),
    ScoreReason.MISSING_PENALTY: (
        "the closer-to-target rule has no penalty",
        "目标偏差规则未设扣分",
    ),
    ScoreReason.MISSING_BANDS: ("the band rule has no bands", "档位规则未设档位"),
    ScoreReason.BELOW_BANDS: ("below the first band: 0", "低于最低档位：0 分"),
    ScoreReason.RATING_OUT_OF_RANGE: (
        "the rating {actual} is not a whole number from 1 to {count}",
        "评分 {actual} 不是 1 至 {count} 的整数",
    ),
    ScoreReason.OVERACHIEVED: ("over 100 % achieved", "超额完成"),
    ScoreReason.CAPPED: ("capped at {cap}", "封顶 {cap}"),
    ScoreReason.FLOORED: ("floor {floor}", "保底 {floor}"),
    ScoreReason.DISTANCE_FLOOR: ("not below 0", "最低 0 分"),
    ScoreReason.GATE: (
        "below the gate {below}: the total is capped at {total_cap}",
        "低于门槛 {below}：总分封顶 {total_cap}",
    ),
    ScoreReason.INCOMPLETE: (
        "incomplete: no score for {keys}",
        "不完整：{keys} 无得分",
    ),
    ScoreReason.NO_WEIGHT: ("the weights add up to 0", "权重合计为 0"),
}

# Formula templates, one per rule kind; ``{weight}`` and ``{contribution}`` close each one.
FORMULAS: dict[str, tuple[str, str]] = {
    "ratio": ("{actual} / {target}", "{actual} / {target}"),
    "ratio_lower": ("{target} / {actual}", "{target} / {actual}"),
    "linear": (
        "({actual} − {zero}) / ({target} − {zero})",
        "({actual} − {zero}) / ({target} − {zero})",
    ),
    "target_distance": (
        "(100 − {penalty} × |{actual} − {target}|)",
        "(100 − {penalty} × |{actual} − {target}|)",
    ),
    "bands_achievement": (
        "achievement {value} % → band from {start}: {score}",
        "完成率 {value} % → {start} 起档位：{score}",
    ),
    "bands_actual": (
        "actual {value} → band from {start}: {score}",
        "实际值 {value} → {start} 起档位：{score}",
    ),
    "rating": ("rating {actual} → {score}", "评分 {actual} → {score}"),
    "ratio_lower_zero": ("{target} / 0 → {cap}", "{target} / 0 → {cap}"),
    "below_bands": ("{value} → 0", "{value} → 0"),
    # A ratio or line scored as is reads best as the article writes it: 12 / 10 × 60 % = 72.
    "weighted_fraction": ("{formula} × {weight} % = {contribution}",) * 2,
    "weighted_result": ("{formula} = {score} × {weight} % = {contribution}",) * 2,
    "weighted_plain": ("{formula} × {weight} % = {contribution}",) * 2,
    # A floor or a cap moved the score: the score first, then what became of it.
    "limited_fraction": ("{formula} × 100 = {raw} → {score} × {weight} % = {contribution}",) * 2,
    "total": ("{parts} = {total} → {grade}", "{parts} = {total} → {grade}"),
    "total_gated": ("gated by {keys}", "受 {keys} 门槛限制"),
    "limited": ("{formula} = {raw} → {score} × {weight} % = {contribution}",) * 2,
}

NOTE_OPEN = (" (", "（")
NOTE_SEPARATOR = ("; ", "；")
NOTE_CLOSE = (")", "）")


def text(template: tuple[str, ...], lang: str, **params: Any) -> str:
    return template[1 if lang == "zh" else 0].format(**params)


def reason_text(reason: ScoreReason, lang: str, **params: Any) -> str:
    return text(REASONS[reason], lang, **params)


def with_notes(body: str, notes: list[str], lang: str) -> str:
    index = 1 if lang == "zh" else 0
    if not notes:
        return body
    return body + NOTE_OPEN[index] + NOTE_SEPARATOR[index].join(notes) + NOTE_CLOSE[index]
