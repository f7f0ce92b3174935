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
from server.models.sync import ConnectorConfig, MetricFact, QuarantinedRecord, SyncRun

MODEL_MODULES = [
    "server.models.org",
    "server.models.access",
    "server.models.audit",
    "server.models.sync",
    "server.models.plans",
    "server.models.outbox",
]

__all__ = [
    "MODEL_MODULES",
    "AuditEntry",
    "Company",
    "ConnectorConfig",
    "Department",
    "Employee",
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
    "RoleAssignment",
    "Session",
    "SyncRun",
    "Template",
]
