"""Calibration's closed sets as GraphQL enums (server/calibration/vocabulary.py)."""

from __future__ import annotations

import strawberry

from server.calibration import vocabulary as v

for _enum, _description in (
    (v.CalibrationScope, "What a session covers: the company, a division or a department."),
    (v.CalibrationState, "OPEN: members change results; LOCKED: pushed into the scores, final."),
    (
        v.CalibrationEnforcement,
        "WARN: breaches are shown; BLOCK: a session cannot lock "
        "while its distribution is outside the guideline.",
    ),
    (
        v.GuidelineStatus,
        "A grade's count against its range in a group (UNCHECKED: no range, "
        "or the group is smaller than the minimum size).",
    ),
    (
        v.CalibrationGroupKind,
        "A group of a distribution: the session's scope, a division, "
        "a department (each over its subtree).",
    ),
):
    strawberry.enum(_enum, description=_description)

CalibrationScope = v.CalibrationScope
CalibrationState = v.CalibrationState
CalibrationEnforcement = v.CalibrationEnforcement
GuidelineStatus = v.GuidelineStatus
CalibrationGroupKind = v.CalibrationGroupKind
