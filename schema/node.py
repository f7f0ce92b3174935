"""``node(id)``: any object by its global ID, decided by the same service getters as the
typed queries, so an object the caller may not see answers NOT_FOUND like a missing one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import strawberry
from strawberry import relay
from strawberry.types import Info

from schema import ids
from schema.actuals.types import Actual
from schema.assignments.types import Assignment
from schema.audit import AuditEntry
from schema.calibration.types import CalibrationSession
from schema.connectors.types import ConnectorConfig, QuarantinedRecord, SyncRun
from schema.evaluations.types import Evaluation
from schema.feedback.types import Feedback, Note
from schema.org.queries import company_node, role_assignment_node
from schema.org.types import Department, Employee
from schema.peer_reviews.types import PeerReview
from schema.permissions import IsAuthenticated
from schema.plans.types import Plan, PlanComment, Template
from schema.scores.types import Score
from server.actuals.reads import get_actual
from server.assignments.access import get_assignment
from server.audit import get_entry
from server.calibration.sessions import get_session as get_calibration_session
from server.errors import NotFound
from server.evaluations import reads as evaluations
from server.feedback import notes as feedback_notes
from server.feedback import reads as feedback
from server.peer_reviews.reads import get_review as get_peer_review
from server.plans import comments, service, templates
from server.scoring import results as score_results
from server.services import collection, departments, employees


async def _company(info: Info, raw: UUID) -> relay.Node:
    if raw != info.context.actor.caller.company_id:
        raise NotFound("company")
    return await company_node(info)


async def _connector_config(info: Info, raw: UUID) -> relay.Node:
    configs = info.context.runtime.connector_configs
    row = await configs.get(info.context.actor, raw)
    return ConnectorConfig.of(row, configs.secret_names(row))


def _by(getter: Callable[[Any, UUID], Awaitable[Any]], make: Callable[[Any], relay.Node]) -> Any:
    async def resolve(info: Info, raw: UUID) -> relay.Node:
        return make(await getter(info.context.actor, raw))

    return resolve


RESOLVERS: dict[str, Callable[[Info, UUID], Awaitable[relay.Node]]] = {
    "Company": _company,
    "Department": _by(departments.get_department, Department.of),
    "Employee": _by(employees.get_employee, Employee.of),
    "RoleAssignment": role_assignment_node,
    "ConnectorConfig": _connector_config,
    "SyncRun": _by(collection.get_run, SyncRun.of),
    "QuarantinedRecord": _by(collection.get_quarantined, QuarantinedRecord.of),
    "AuditEntry": _by(get_entry, AuditEntry.of),
    "Template": _by(templates.get_template, Template.of),
    "Plan": _by(service.get_plan, Plan.of),
    "PlanComment": _by(comments.get_comment, PlanComment.of),
    "Assignment": _by(get_assignment, Assignment.of),
    "Actual": _by(get_actual, Actual.of),
    "Score": _by(score_results.get_score, Score.of),
    "Evaluation": _by(evaluations.get_evaluation, Evaluation.of),
    "Feedback": _by(feedback.get_feedback, Feedback.of),
    "Note": _by(feedback_notes.get_note, Note.of),
    "CalibrationSession": _by(get_calibration_session, CalibrationSession.of),
    "PeerReview": _by(get_peer_review, PeerReview.of),
}


@strawberry.type
class NodeQuery:
    @strawberry.field(
        permission_classes=[IsAuthenticated], description="Any object by its global ID."
    )
    async def node(self, info: Info, id: strawberry.ID) -> relay.Node:
        type_name, raw = ids.decode_any(id)
        resolve = RESOLVERS.get(type_name)
        if resolve is None:
            raise NotFound("object")
        return await resolve(info, raw)
