"""GraphQL types of actuals: the current value with its provenance and history, and the
answer of a bulk entry."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID

import strawberry
from strawberry import relay
from strawberry.types import Info

from schema import ids
from schema.enums import ActualSource
from schema.errors import row_error
from schema.org.types import Employee, visible_employee
from server import models as m
from server.actuals.rows import RecordOutcome, RowRejection
from server.errors import ErrorCode, Reason


def _gid(type_name: str, raw: UUID | None) -> strawberry.ID | None:
    return None if raw is None else strawberry.ID(ids.encode(type_name, raw))


@strawberry.type(description="One change of an actual, kept for its history.")
class ActualRevision:
    revision: int
    value: Decimal | None
    source: ActualSource
    set_at: datetime
    set_by_id: strawberry.ID | None = strawberry.field(
        description="Who made this change (a manual entry, an override, a note, clearing an "
        "override); null for a connector run."
    )
    sync_run_id: strawberry.ID | None = strawberry.field(
        description="The sync run that brought a connector value (a SyncRun's global ID)."
    )
    connector_source: str | None
    note: str
    reason: str
    row: strawberry.Private[m.ActualRevision]

    @classmethod
    def of(cls, row: m.ActualRevision) -> ActualRevision:
        return cls(
            revision=row.revision,
            value=row.value,
            source=ActualSource(row.source),
            set_at=row.set_at,
            set_by_id=_gid("Employee", row.set_by),
            sync_run_id=_gid("SyncRun", row.sync_run_id),
            connector_source=row.connector_source,
            note=row.note,
            reason=row.reason,
            row=row,
        )

    @strawberry.field(description="Who made this change, if the caller may see that person.")
    async def set_by(self, info: Info) -> Employee | None:
        return await visible_employee(info, self.row.set_by)


@strawberry.type(
    description="The current actual of one indicator of one person in one plan: the latest "
    "revision wins, with who or what set it."
)
class Actual(relay.Node):
    id: relay.NodeID[str]
    indicator_key: str
    employee_id: strawberry.ID
    value: Decimal | None
    source: ActualSource
    set_at: datetime
    set_by_id: strawberry.ID | None = strawberry.field(
        description="Who entered or overrode the value; null for a connector's."
    )
    sync_run_id: strawberry.ID | None = strawberry.field(
        description="The sync run that brought the connector value (a SyncRun's global ID)."
    )
    connector_source: str | None = strawberry.field(
        description="The connector configuration whose facts gave the value (its id)."
    )
    connector_value: Decimal | None = strawberry.field(
        description="While an override holds: the connector's own value, shown beside it."
    )
    facts: int = strawberry.field(description="How many metric facts the connector value combines.")
    note: str
    reason: str = strawberry.field(description="Why an override replaced the connector's value.")
    revision: int
    row: strawberry.Private[m.Actual]

    @classmethod
    def of(cls, row: m.Actual) -> Actual:
        return cls(
            id=str(row.id),
            indicator_key=row.indicator_key,
            employee_id=strawberry.ID(ids.encode("Employee", row.employee_id)),
            value=row.value,
            source=ActualSource(row.source),
            set_at=row.set_at,
            set_by_id=_gid("Employee", row.set_by),
            sync_run_id=_gid("SyncRun", row.sync_run_id),
            connector_source=row.connector_source,
            connector_value=row.connector_value,
            facts=row.facts,
            note=row.note,
            reason=row.reason,
            revision=row.revision,
            row=row,
        )

    @strawberry.field(description="The person, if the caller may see him in the directory.")
    async def employee(self, info: Info) -> Employee | None:
        return await visible_employee(info, self.row.employee_id)

    @strawberry.field(description="Who entered or overrode the value, if the caller may see him.")
    async def set_by(self, info: Info) -> Employee | None:
        return await visible_employee(info, self.row.set_by)

    @strawberry.field(description="Every change, newest first.")
    async def history(self, info: Info) -> list[ActualRevision]:
        rows = await info.context.loaders.actuals.history.load(self.row.id)
        return [ActualRevision.of(r) for r in rows]


@strawberry.type
class ActualEdge:
    cursor: str
    node: Actual


@strawberry.type
class ActualConnection:
    edges: list[ActualEdge]
    page_info: relay.PageInfo


@strawberry.input(description="One row of a bulk entry: one indicator of one person.")
class ActualRowInput:
    employee_id: strawberry.ID
    indicator_key: str
    value: Decimal | None = None
    note: str = ""


@strawberry.type(description="A row taken (also when its value was already the same).")
class AcceptedActualRow:
    index: int = strawberry.field(description="The row's position in `rows`, from 0.")
    employee_id: strawberry.ID
    indicator_key: str


@strawberry.type(description="A row not taken, and why; nothing of it was written.")
class RejectedActualRow:
    index: int = strawberry.field(description="The row's position in `rows`, from 0.")
    employee_id: strawberry.ID
    indicator_key: str
    code: ErrorCode
    reason: Reason
    field: str | None = strawberry.field(
        description="The input field at fault, e.g. `rows[3].value` (as `extensions.field`)."
    )
    message: str

    @classmethod
    def of(
        cls, rejection: RowRejection, rows: list[ActualRowInput], lang: str
    ) -> RejectedActualRow:
        shown = row_error(rejection.index, rejection.error, lang)  # as extensions.rows has it
        given = rows[rejection.index]
        return cls(
            index=rejection.index,
            employee_id=given.employee_id,
            indicator_key=given.indicator_key,
            code=ErrorCode(shown["code"]),
            reason=Reason(shown["reason"]),
            field=shown["field"],
            message=shown["message"],
        )


@strawberry.type(
    description="Every row is either accepted or rejected. `replayed`: the client key was "
    "seen with the same rows before; nothing was written and this is the first answer again."
)
class RecordActualsPayload:
    accepted: list[AcceptedActualRow]
    rejected: list[RejectedActualRow]
    replayed: bool

    @classmethod
    def of(
        cls, outcome: RecordOutcome, rows: list[ActualRowInput], lang: str
    ) -> RecordActualsPayload:
        return cls(
            accepted=[
                AcceptedActualRow(
                    index=i, employee_id=rows[i].employee_id, indicator_key=rows[i].indicator_key
                )
                for i in outcome.accepted
            ],
            rejected=[RejectedActualRow.of(r, rows, lang) for r in outcome.rejected],
            replayed=outcome.replayed,
        )
