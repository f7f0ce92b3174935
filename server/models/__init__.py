"""Tortoise models. ``MODEL_MODULES`` is what the ORM loads."""

from __future__ import annotations

from server.models.access import RoleAssignment, Session
from server.models.analytics import AnalyticsSettings
from server.models.audit import AuditEntry
from server.models.bonus import BonusBase, BonusPool, BonusSettings
from server.models.calibration import CalibrationChange, CalibrationSession, CalibrationSettings
from server.models.feedback import (
    Feedback,
    FeedbackCheckIn,
    FeedbackSettings,
    ImprovementAction,
    PersonNote,
)
from server.models.notifications import (
    ChannelConfig,
    Notification,
    NotificationDelivery,
    NotificationPreference,
    NotificationProfile,
)
from server.models.org import Company, Department, Employee
from server.models.outbox import OutboxConsumer, OutboxEvent, OutboxLease
from server.models.peer_reviews import PeerResponse, PeerReview, PeerReviewer, PeerReviewSettings
from server.models.plans import (
    Indicator,
    Plan,
    PlanApproval,
    PlanComment,
    PlanTransition,
    PlanVersion,
    Template,
)
from server.models.reminders import ReminderLease, ReminderSettings
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
    "server.models.feedback",
    "server.models.calibration",
    "server.models.peer_reviews",
    "server.models.bonus",
    "server.models.reminders",
    "server.models.notifications",
    "server.models.analytics",
]

__all__ = [
    "MODEL_MODULES",
    "Actual",
    "ActualBatch",
    "ActualRevision",
    "AnalyticsSettings",
    "Assignment",
    "AuditEntry",
    "BonusBase",
    "BonusPool",
    "BonusSettings",
    "CalibrationChange",
    "CalibrationSession",
    "CalibrationSettings",
    "ChannelConfig",
    "Company",
    "ConnectorConfig",
    "Department",
    "Employee",
    "Evaluation",
    "Feedback",
    "FeedbackCheckIn",
    "FeedbackSettings",
    "ImprovementAction",
    "Indicator",
    "MetricFact",
    "Notification",
    "NotificationDelivery",
    "NotificationPreference",
    "NotificationProfile",
    "OutboxConsumer",
    "OutboxEvent",
    "OutboxLease",
    "PeerResponse",
    "PeerReview",
    "PeerReviewSettings",
    "PeerReviewer",
    "PersonNote",
    "Plan",
    "PlanApproval",
    "PlanComment",
    "PlanTransition",
    "PlanVersion",
    "QuarantinedRecord",
    "ReminderLease",
    "ReminderSettings",
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
