"""Tortoise models. ``MODEL_MODULES`` is what the ORM loads."""

from __future__ import annotations

from server.models.access import RoleAssignment, Session
from server.models.audit import AuditEntry
from server.models.org import Company, Department, Employee
from server.models.outbox import OutboxConsumer, OutboxEvent, OutboxLease
from server.models.plans import (
    Indicator,
    Plan,
    PlanApproval,
    PlanComment,
    PlanTransition,
    PlanVersion,
    Template,
)
from server.models.results import (
    Actual,
    ActualBatch,
    ActualRevision,
    Assignment,
    Evaluation,
    ResultsRelease,
    Score,
    ScoreVersion,
    ScoringFormula,
    ScoringSettings,
)
from server.models.sync import ConnectorConfig, MetricFact, QuarantinedRecord, SyncRun

MODEL_MODULES = [
    "server.models.org",
    "server.models.access",
    "server.models.audit",
    "server.models.sync",
    "server.models.plans",
    "server.models.outbox",
    "server.models.results",
]

__all__ = [
    "MODEL_MODULES",
    "Actual",
    "ActualBatch",
    "ActualRevision",
    "Assignment",
    "AuditEntry",
    "Company",
    "ConnectorConfig",
    "Department",
    "Employee",
    "Evaluation",
    "Indicator",
    "MetricFact",
    "OutboxConsumer",
    "OutboxEvent",
    "OutboxLease",
    "Plan",
    "PlanApproval",
    "PlanComment",
    "PlanTransition",
    "PlanVersion",
    "QuarantinedRecord",
    "ResultsRelease",
    "RoleAssignment",
    "Score",
    "ScoreVersion",
    "ScoringFormula",
    "ScoringSettings",
    "Session",
    "SyncRun",
    "Template",
]
