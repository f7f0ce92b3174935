"""The domain's closed sets as GraphQL enums: server/vocabulary.py's enums, registered as they are.

One enum per concept under one name in Python and GraphQL. GraphQL shows the member names
(``HALF_YEAR``); resolvers receive and return the members, which equal the stored strings, so
a plain ``"half_year"`` read from a row is answered as ``HALF_YEAR`` too.
"""

from __future__ import annotations

from enum import EnumMeta

import strawberry

from schema.scores.enums import ScoreInputSource as _ScoreInputSource
from server import vocabulary as v
from server.reports.vocabulary import ReportFormat as _ReportFormat
from server.reports.vocabulary import ReportSuggestionKind as _ReportSuggestionKind
from server.scoring.engine import Status as _Status
from server.scoring.messages import ScoreReason as _ScoreReason
from server.scoring.vocabulary import ActualSource as _ActualSource
from server.scoring.vocabulary import EvaluationKind as _EvaluationKind
from server.scoring.vocabulary import EvaluationState as _EvaluationState
from server.scoring.vocabulary import ScoreEventKind as _ScoreEventKind

DESCRIPTIONS: dict[EnumMeta, str] = {
    v.Role: "A role; company-wide, or held over a department subtree (VP, DEPT_MANAGER).",
    v.DepartmentKind: "What a department does; templates are offered by kind.",
    v.PlanState: "Where a plan stands in its workflow.",
    v.PlanStep: "A workflow step as recorded in a plan's history (START_REVIEW is automatic).",
    v.PlanLevel: "A company plan covers the top department; a department plan, departments.",
    v.PeriodKind: "The span a plan covers: a whole month, quarter, half year or year.",
    v.Framework: "KPI or OKR.",
    v.Direction: "HIGHER when more is better (sales), LOWER when less is (defect rate).",
    v.ScoringKind: "How a result becomes a score: ratio, linear from a zero anchor, distance "
    "to the target, threshold bands, or a 1-5 rating.",
    v.BandBasis: "What scoring bands start from: the achievement % or the actual value.",
    v.PlanChangeKind: "One line of a version diff.",
    v.PlanEventKind: "What happened to a plan.",
    v.MatchBy: "The employee field a connector's employee key is matched against.",
    v.SyncStatus: "A sync run's status.",
    v.SyncTrigger: "What started a sync run.",
    v.ConnectorKind: "The kind of source system a connector reads.",
    v.Aggregation: "How a metric's daily values combine into a longer period.",
    v.ConfigFieldType: "The type of a connector setting.",
    v.PluginStage: "Where loading a plugin failed.",
    v.AuditObjectType: "What an audit entry or an org chart change is about.",
    v.AuditAction: "What an audit entry records: the object type and the verb (PLAN_SUBMIT).",
    v.QuarantineReason: "Why a record was quarantined (OTHER: quarantined before codes existed).",
    v.PlanField: "What a version diff line is about: a plan or indicator field, or INDICATOR.",
}

for _enum, _description in DESCRIPTIONS.items():
    strawberry.enum(_enum, description=_description)

Role = v.Role
DepartmentKind = v.DepartmentKind
PlanState = v.PlanState
PlanStep = v.PlanStep
PlanLevel = v.PlanLevel
PeriodKind = v.PeriodKind
Framework = v.Framework
Direction = v.Direction
ScoringKind = v.ScoringKind
BandBasis = v.BandBasis
PlanChangeKind = v.PlanChangeKind
PlanEventKind = v.PlanEventKind
MatchBy = v.MatchBy
SyncStatus = v.SyncStatus
SyncTrigger = v.SyncTrigger
ConnectorKind = v.ConnectorKind
Aggregation = v.Aggregation
ConfigFieldType = v.ConfigFieldType
PluginStage = v.PluginStage
AuditObjectType = v.AuditObjectType
AuditAction = v.AuditAction
QuarantineReason = v.QuarantineReason
PlanField = v.PlanField

# The scoring engine's status of a score (server/scoring/engine.py, not the vocabulary: the
# engine is pure and names its own outcomes).
strawberry.enum(
    _Status,
    name="ScoreStatus",
    description="OK: scored; INCOMPLETE: an input (an actual, a rating) is missing; UNDEFINED: "
    "the inputs give no score (a zero target, a formula dividing by zero); MISSING: no input.",
)
ScoreStatus = _Status

# Evaluations (server/scoring/vocabulary.py).
for _enum, _description in (
    (_EvaluationKind, "SELF: the employee's own evaluation; MANAGER: his manager's."),
    (_EvaluationState, "A draft can change; a submitted evaluation only once reopened."),
):
    DESCRIPTIONS[_enum] = _description
    strawberry.enum(_enum, description=_description)
EvaluationKind = _EvaluationKind
EvaluationState = _EvaluationState

# Reports (server/reports/vocabulary.py).
for _enum, _description in (
    (_ReportFormat, "XLSX: a workbook (summary, indicators, trend); HTML: a printable page."),
    (_ReportSuggestionKind, "Why the employee report suggests looking at something."),
):
    DESCRIPTIONS[_enum] = _description
    strawberry.enum(_enum, description=_description)
ReportFormat = _ReportFormat
ReportSuggestionKind = _ReportSuggestionKind

# Scores read back and their events (server/scoring/messages.py, server/scoring/vocabulary.py,
# schema/scores/enums.py).
for _enum, _description in (
    (_ScoreReason, "Why an indicator or a total scored as it did, or why it has no score."),
    (_ScoreEventKind, "What a score event announces."),
    (_ScoreInputSource, "Where an indicator's value came from: an actual's source, or RATING."),
):
    DESCRIPTIONS[_enum] = _description
    strawberry.enum(_enum, description=_description)
ScoreReason = _ScoreReason
ScoreEventKind = _ScoreEventKind
ScoreInputSource = _ScoreInputSource

# Actuals (server/scoring/vocabulary.py).
DESCRIPTIONS[_ActualSource] = (
    "Who or what set an actual: MANUAL (a manager's entry), CONNECTOR (a sync's metric facts), "
    "OVERRIDE (a value in place of the connector's, with a reason)."
)
strawberry.enum(_ActualSource, description=DESCRIPTIONS[_ActualSource])
ActualSource = _ActualSource
