"""User-facing messages of calibration, merged into server.i18n.MESSAGES."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (English, 简体中文)
    "calibration_not_final": (
        "Calibration works on a finalized plan's frozen results; this plan is {state}.",
        "校准只针对已定稿计划的冻结结果；该计划当前状态为 {state}。",
    ),
    "calibration_exists": (
        "This plan already has a calibration session for that scope.",
        "该计划在此范围内已有校准会话。",
    ),
    "calibration_overlap": (
        "An open calibration session of this plan already covers part of that scope; lock it "
        "first.",
        "该计划已有覆盖此范围部分人员的未锁定校准会话，请先锁定该会话。",
    ),
    "calibration_locked": (
        "The calibration session is locked; its results can no longer change.",
        "该校准会话已锁定，结果不能再修改。",
    ),
    "calibration_outside_guideline": (
        "The session cannot lock: in {group}, {count} people have the grade {grade}, and the "
        "guideline allows {low} to {high}.",
        "该会话无法锁定：{group} 中等级为 {grade} 的有 {count} 人，"
        "指导分布允许 {low} 至 {high} 人。",
    ),
    "calibration_score_changed": (
        "This result changed since you read it (revision {version}); reload and try again.",
        "该结果在您读取后已被修改（修订号 {version}），请刷新后重试。",
    ),
    "calibration_published": (
        "The plan's results are already published; they can no longer be calibrated.",
        "该计划的结果已发布，不能再校准。",
    ),
    "calibration_unknown_grade": (
        "{field}: {grade} is not one of the grades ({grades}).",
        "{field}：{grade} 不是有效的等级（{grades}）。",
    ),
    "calibration_not_in_scope": (
        "{field}: this person is outside the session's scope.",
        "{field}：此人不在该校准会话的范围内。",
    ),
    "calibration_guideline_invalid": (
        "{field}: the guideline is not valid: {detail}.",
        "{field}：指导分布无效：{detail}。",
    ),
    "calibration_settings_changed": (
        "The calibration guideline changed since you read it (revision {expected}, now "
        "{current}); reload and try again.",
        "校准指导分布在您读取后已被修改（第 {expected} 版，现为第 {current} 版），请刷新后重试。",
    ),
}
