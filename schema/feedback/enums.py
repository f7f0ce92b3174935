"""The closed sets of server/feedback/vocabulary.py as GraphQL enums, under their own names."""

from __future__ import annotations

import strawberry

from server.feedback import vocabulary as v

for _enum, _description in (
    (v.FeedbackCategory, "What a feedback disputes."),
    (
        v.FeedbackState,
        "OPEN (waiting on an answer), ANSWERED, ACCEPTED (closed), ESCALATED (see "
        "`escalationLevel`), DECIDED (the performance admin's decision; closed).",
    ),
    (v.FeedbackDecision, "UPHOLD: the result stands; CHANGE: a new score version."),
    (v.ImprovementActionStatus, "Where an improvement action stands."),
    (v.NoteKind, "A manager's note, or praise."),
):
    strawberry.enum(_enum, description=_description)

FeedbackCategory = v.FeedbackCategory
FeedbackState = v.FeedbackState
FeedbackDecision = v.FeedbackDecision
ImprovementActionStatus = v.ImprovementActionStatus
NoteKind = v.NoteKind
