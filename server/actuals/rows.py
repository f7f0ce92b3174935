"""The shapes of a bulk actuals entry: rows in, accepted and rejected rows out.

``server.actuals.manual.record_actuals(actor, rows, client_key=...)`` takes these; the
GraphQL mutation and the XLSX upload (server.reports.sheets) both go through it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from server.errors import DomainError


@dataclass(frozen=True)
class ActualRow:
    """One row: the value of one indicator of one person in one plan."""

    plan_id: UUID
    employee_id: UUID
    indicator_key: str
    value: Decimal | None
    note: str = ""


@dataclass(frozen=True)
class RowRejection:
    """Why row ``index`` (0-based, in the order sent) was not taken."""

    index: int
    error: DomainError


@dataclass(frozen=True)
class RecordOutcome:
    """A batch's answer: every row is either accepted or rejected, none dropped.

    ``replayed``: the client key was seen before with the same rows; nothing was written and
    this is the first answer again.
    """

    accepted: tuple[int, ...]
    rejected: tuple[RowRejection, ...]
    replayed: bool = False
