"""The domain's closed sets as GraphQL enums: server/vocabulary.py's enums, registered as they are.

One enum per concept under one name in Python and GraphQL. GraphQL shows the member names
(``HALF_YEAR``); resolvers receive and return the members, which equal the stored strings, so
a plain ``"half_year"`` read from a row is answered as ``HALF_YEAR`` too.
"""

from __future__ import annotations

from enum import EnumMeta

import strawberry

from server import vocabulary as v

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
