"""The GraphQL face of Jixiao: per-domain types merged into one schema."""

from __future__ import annotations

from strawberry import Schema
from strawberry.extensions import DisableIntrospection, MaxTokensLimiter
from strawberry.tools import merge_types

from schema.actuals.mutations import ActualMutation
from schema.actuals.queries import ActualQuery
from schema.analytics import AnalyticsMutation, AnalyticsQuery
from schema.assignments.mutations import AssignmentMutation
from schema.assignments.queries import AssignmentQuery
from schema.audit import AuditQuery
from schema.auth.schema import AuthMutation
from schema.bonus.mutations import BonusMutation
from schema.bonus.queries import BonusQuery
from schema.caching import cached_validation, limit_rules
from schema.calibration.mutations import CalibrationMutation
from schema.calibration.queries import CalibrationQuery
from schema.connectors.mutations import ConnectorMutation
from schema.connectors.queries import ConnectorQuery
from schema.connectors.subscriptions import ConnectorSubscription
from schema.cost import QueryCostWithVariables
from schema.error_log import JixiaoSchema
from schema.errors import ERROR_ENUMS, ErrorFormatter
from schema.evaluations.mutations import EvaluationMutation
from schema.evaluations.queries import EvaluationQuery
from schema.feedback.mutations import FeedbackMutation
from schema.feedback.queries import FeedbackQuery
from schema.node import NodeQuery
from schema.notifications.mutations import NotificationMutation
from schema.notifications.queries import NotificationQuery
from schema.notifications.subscriptions import NotificationSubscription
from schema.operation_name import RequireOperationName
from schema.org.mutations import OrgMutation
from schema.org.queries import OrgQuery
from schema.org.subscriptions import OrgSubscription
from schema.peer_reviews.mutations import PeerReviewMutation
from schema.peer_reviews.queries import PeerReviewQuery
from schema.plans.mutations import PlanMutation
from schema.plans.queries import PlanQuery
from schema.plans.subscriptions import PlanSubscription
from schema.policy import PolicyMutation, PolicyQuery
from schema.reminders.mutations import ReminderMutation
from schema.reminders.queries import ReminderQuery
from schema.reports.mutations import ReportMutation
from schema.reports.queries import ReportQuery
from schema.scalars import SCALAR_OVERRIDES
from schema.scores.mutations import ScoreMutation
from schema.scores.queries import ScoreQuery
from schema.scores.subscriptions import ScoreSubscription
from schema.scoring.mutations import ScoringMutation
from schema.scoring.queries import ScoringQuery
from schema.websocket import FreshWebsocketCaller
from server.settings import Settings

Query = merge_types(
    "Query",
    (
        OrgQuery,
        NodeQuery,
        PlanQuery,
        AssignmentQuery,
        ActualQuery,
        ConnectorQuery,
        AuditQuery,
        PolicyQuery,
        ScoringQuery,
        EvaluationQuery,
        ReportQuery,
        ScoreQuery,
        CalibrationQuery,
        PeerReviewQuery,
        BonusQuery,
        FeedbackQuery,
        ReminderQuery,
        NotificationQuery,
        AnalyticsQuery,
    ),
)
Subscription = merge_types(
    "Subscription",
    (
        OrgSubscription,
        PlanSubscription,
        ConnectorSubscription,
        ScoreSubscription,
        NotificationSubscription,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        AuthMutation,
        OrgMutation,
        PlanMutation,
        AssignmentMutation,
        ActualMutation,
        ConnectorMutation,
        PolicyMutation,
        ScoringMutation,
        EvaluationMutation,
        ScoreMutation,
        CalibrationMutation,
        PeerReviewMutation,
        BonusMutation,
        FeedbackMutation,
        ReportMutation,
        ReminderMutation,
        NotificationMutation,
        AnalyticsMutation,
    ),
)


def build_schema(settings: Settings | None = None) -> Schema:
    settings = settings or Settings()
    extensions: list = [
        ErrorFormatter,
        FreshWebsocketCaller,
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        *cached_validation(
            limit_rules(settings.max_depth, settings.max_aliases, settings.max_query_cost)
        ),
    ]
    if settings.production:
        extensions.append(DisableIntrospection)
    # After the validation cache: it adds its error only to documents found valid.
    extensions.append(RequireOperationName)
    # After it too: the operation to price is then the one that will run.
    extensions.append(lambda: QueryCostWithVariables(settings.max_query_cost))
    return JixiaoSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,
        scalar_overrides=SCALAR_OVERRIDES,
        types=ERROR_ENUMS,
    )


__all__ = ["Mutation", "Query", "build_schema"]
