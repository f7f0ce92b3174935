"""The closed sets of feedback and notes; each a StrEnum whose members equal the stored words."""

from __future__ import annotations

from enum import StrEnum


class FeedbackCategory(StrEnum):
    TARGET_TOO_HIGH = "target_too_high"
    DATA_WRONG = "data_wrong"
    EVALUATION_UNFAIR = "evaluation_unfair"
    OTHER = "other"


class FeedbackState(StrEnum):
    """OPEN -> ANSWERED -> ACCEPTED, or ESCALATED (level 1, then 2) -> ... -> DECIDED."""

    OPEN = "open"
    ANSWERED = "answered"
    ACCEPTED = "accepted"
    ESCALATED = "escalated"
    DECIDED = "decided"


class FeedbackDecision(StrEnum):
    """The performance admin's decision on an appeal: the result stands, or it changes."""

    UPHOLD = "uphold"
    CHANGE = "change"


class ImprovementActionStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


class NoteKind(StrEnum):
    NOTE = "note"
    PRAISE = "praise"


class FeedbackEventKind(StrEnum):
    """What a feedback event announces (server.events.FeedbackEvent.kind)."""

    RAISED = "raised"
    ANSWERED = "answered"
    ACCEPTED = "accepted"
    ESCALATED = "escalated"
    DECIDED = "decided"


# The levels of an appeal: who answers at each.
MANAGER_LEVEL = 0
SKIP_LEVEL = 1  # the skip-level manager, or the division's VP
ADMIN_LEVEL = 2  # the performance admin decides
