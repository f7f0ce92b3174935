"""Opaque global IDs (Relay): base64 of "Type:uuid", checked for type on the way in."""

from __future__ import annotations

from uuid import UUID

import strawberry
from strawberry.relay import GlobalID

from server.errors import BadInput

# GraphQL type name -> the object key used in messages and policies.
OBJECT_KEYS = {
    "Company": "company",
    "Department": "department",
    "Employee": "employee",
    "RoleAssignment": "role_assignment",
    "AuditEntry": "audit_entry",
    "ConnectorConfig": "connector_config",
    "SyncRun": "sync_run",
    "Assignment": "assignment",
    "Actual": "actual",
    "Score": "score",
    "Evaluation": "evaluation",
    "CalibrationSession": "calibration",
    "Feedback": "feedback",
    "ImprovementAction": "feedback",
    "Note": "note",
    "PeerReview": "peer_review",
}


def decode(value: strawberry.ID | str, expected: str, field: str = "id") -> UUID:
    """The UUID inside a global ID of type ``expected``; BAD_USER_INPUT otherwise."""
    type_name, raw = decode_any(value, field)
    if type_name != expected:
        raise BadInput("wrong_id_type", field=field, expected=OBJECT_KEYS.get(expected, "object"))
    return raw


def decode_any(value: strawberry.ID | str, field: str = "id") -> tuple[str, UUID]:
    try:
        gid = GlobalID.from_id(str(value))
        return gid.type_name, UUID(gid.node_id)
    except (ValueError, TypeError, AttributeError) as exc:
        raise BadInput("invalid_id", field=field) from exc


def encode(type_name: str, raw: UUID) -> str:
    return str(GlobalID(type_name, str(raw)))
