"""User-facing messages of this package, merged into server.i18n.MESSAGES."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (English, 简体中文)
    "results_not_final": (
        "Results can be published once the plan is finalized; this plan is {state}.",
        "计划定稿后才能发布结果；该计划当前状态为 {state}。",
    ),
    "results_already_published": (
        "The results of this plan are already published, from {at} UTC; a release is final.",
        "该计划的结果已发布（{at} UTC 起生效）；发布后不能更改。",
    ),
    "results_calibrating": (
        "A calibration session over this plan is still open; lock it before the results are "
        "published, or they would go out uncalibrated.",
        "该计划仍有未锁定的校准会议；请先锁定校准，否则发布的将是未经校准的结果。",
    ),
    "timezone_required": (
        "{field} needs a UTC offset, such as 2027-01-10T09:00:00+08:00.",
        "{field} 需要带时区偏移，例如 2027-01-10T09:00:00+08:00。",
    ),
    "publish_at_past": (
        "{field} is in the past ({at} UTC); leave it out to publish now.",
        "{field} 已是过去的时间（{at} UTC）；如需立即发布，请不填该项。",
    ),
    "score_not_frozen": (
        "Only a frozen score can be reopened; this one is live (version {version}).",
        "只能重新打开已冻结的得分；该得分尚未冻结（版本 {version}）。",
    ),
    "score_frozen": (
        "The score is frozen already (version {version}); reopen it first to correct it.",
        "该得分已冻结（版本 {version}）；如需更正，请先重新打开。",
    ),
}
