"""User-facing messages of the scoring settings (grade bands, rating labels, the final-score
formula) and of what-if previews, merged into server.i18n.MESSAGES."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (English, 简体中文)
    # problem_en / problem_zh come from server.scoring.formula.PROBLEMS, one per language.
    "formula_invalid": (
        "{field}: {problem_en} at column {column}.",
        "{field}：{problem_zh}（第 {column} 列）。",
    ),
    "too_few_items": ("{field} takes at least {min} items.", "{field} 至少 {min} 项。"),
    "grade_minimums_order": (
        "{field}: list the grade bands from the highest minimum down, each minimum below the "
        "one before it.",
        "{field}：等级须按最低分从高到低排列，每一级的最低分低于上一级。",
    ),
    "grade_catch_all": (
        "{field}: exactly one grade band, the last, has no minimum: it takes every total "
        "below the others.",
        "{field}：须有且仅有一个等级（最后一个）不设最低分，用于承接低于其他等级的所有总分。",
    ),
    "rating_labels_invalid": (
        "{field}: give one label for each rating from 1 to {count}, each rating once.",
        "{field}：须为 1 至 {count} 的每个评分各给出一个名称，每个评分一次。",
    ),
    "exactly_one": (
        "{field}: give exactly one of {options}; {count} given.",
        "{field}：{options} 须且只能提供一项，当前提供了 {count} 项。",
    ),
    "scoring_settings_changed": (
        "The scoring settings were saved by someone else at the same moment; reload them "
        "and try again.",
        "评分设置刚刚被他人同时保存，请刷新后重试。",
    ),
    # Why a formula gave no score (compute_person's PersonScore.formula_error): not errors
    # of a request, texts for explaining a score.
    "formula_division_by_zero": (
        "The final-score formula divides by zero for these values.",
        "按这些数值计算时，总分公式出现除以零。",
    ),
    "formula_missing_component": (
        "The final-score formula needs {component}, which is missing.",
        "总分公式需要 {component}，但该值缺失。",
    ),
    "formula_unparsable": (
        "The final-score formula in force no longer parses; save it again.",
        "当前生效的总分公式已无法解析，请重新保存。",
    ),
    "formula_out_of_range": (
        "The final-score formula gives a result too large to be a score.",
        "总分公式的结果过大，不能作为得分。",
    ),
}
