"""The closed sets of evaluation and scoring (the API exposes each as an enum)."""

from __future__ import annotations

from enum import StrEnum


class ActualSource(StrEnum):
    """Who or what set an actual."""

    MANUAL = "manual"  # entered by a manager (recordActuals, the XLSX upload)
    CONNECTOR = "connector"  # the metric facts of a connector sync
    OVERRIDE = "override"  # a manager's value in place of a connector's, with a reason


class EvaluationKind(StrEnum):
    SELF = "self"
    MANAGER = "manager"


class EvaluationState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class ScoreEventKind(StrEnum):
    """What a ``ScoreEvent`` announces."""

    COMPUTED = "computed"  # a live score changed
    FROZEN = "frozen"  # finalizing froze it (a new version)
    REOPENED = "reopened"  # the performance admin reopened it for a correction
    PUBLISHED = "published"  # the plan's results reached its employees
