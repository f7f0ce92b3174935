"""The closed sets of calibration (GraphQL enums of the same names)."""

from __future__ import annotations

from enum import StrEnum


class CalibrationScope(StrEnum):
    """What a session covers: the whole company, a division's or a department's subtree."""

    COMPANY = "company"
    DIVISION = "division"
    DEPARTMENT = "department"


class CalibrationState(StrEnum):
    OPEN = "open"
    LOCKED = "locked"


class CalibrationEnforcement(StrEnum):
    """What the guideline does at lock time: ``warn`` shows breaches, ``block`` refuses."""

    WARN = "warn"
    BLOCK = "block"


class GuidelineStatus(StrEnum):
    """Where one grade's count stands against its range in one group."""

    WITHIN = "within"
    ABOVE = "above"
    BELOW = "below"
    UNCHECKED = "unchecked"  # the group is smaller than the minimum size, or no range is set


class CalibrationGroupKind(StrEnum):
    """A group of the distribution: the session's whole scope, a division, a department."""

    SCOPE = "scope"
    DIVISION = "division"
    DEPARTMENT = "department"
