"""Writing actuals: bulk entry, annotations, overrides of a connector's value."""

from __future__ import annotations

from decimal import Decimal

import strawberry
from strawberry.types import Info

from schema import ids
from schema.actuals.types import Actual, ActualRowInput, RecordActualsPayload
from schema.permissions import AUTH
from server.actuals import edits
from server.actuals.manual import record_actuals
from server.actuals.rows import ActualRow


@strawberry.type
class ActualMutation:
    @strawberry.mutation(
        permission_classes=AUTH,
        description="Enter manual actuals in bulk (at most 2,000 rows): every row is answered, "
        "accepted or rejected with its reason; the accepted ones are written in one "
        "transaction. Send a `clientKey` to make a re-sent batch change nothing.",
    )
    async def record_actuals(
        self,
        info: Info,
        plan_id: strawberry.ID,
        rows: list[ActualRowInput],
        client_key: str | None = None,
    ) -> RecordActualsPayload:
        plan = ids.decode(plan_id, "Plan", "planId")
        parsed = [
            ActualRow(
                plan_id=plan,
                employee_id=ids.decode(r.employee_id, "Employee", f"rows[{i}].employeeId"),
                indicator_key=r.indicator_key,
                value=r.value,
                note=r.note,
            )
            for i, r in enumerate(rows)
        ]
        outcome = await record_actuals(info.context.actor, parsed, client_key=client_key)
        return RecordActualsPayload.of(outcome, rows, info.context.lang)

    @strawberry.mutation(
        permission_classes=AUTH, description="Set the note of an actual (an empty note clears it)."
    )
    async def annotate_actual(
        self,
        info: Info,
        plan_id: strawberry.ID,
        employee_id: strawberry.ID,
        indicator_key: str,
        note: str,
    ) -> Actual:
        row = await edits.annotate_actual(
            info.context.actor,
            ids.decode(plan_id, "Plan", "planId"),
            ids.decode(employee_id, "Employee", "employeeId"),
            indicator_key,
            note,
        )
        return Actual.of(row)

    @strawberry.mutation(
        permission_classes=AUTH,
        description="Replace a connector's value, with a reason (the policy's `actual:override`); "
        "the connector's own value stays visible as `connectorValue`.",
    )
    async def override_actual(
        self,
        info: Info,
        plan_id: strawberry.ID,
        employee_id: strawberry.ID,
        indicator_key: str,
        value: Decimal,
        reason: str,
    ) -> Actual:
        row = await edits.override_actual(
            info.context.actor,
            ids.decode(plan_id, "Plan", "planId"),
            ids.decode(employee_id, "Employee", "employeeId"),
            indicator_key,
            value,
            reason,
        )
        return Actual.of(row)

    @strawberry.mutation(
        permission_classes=AUTH,
        description="End an override: the actual is the connector's value again.",
    )
    async def clear_actual_override(
        self,
        info: Info,
        plan_id: strawberry.ID,
        employee_id: strawberry.ID,
        indicator_key: str,
        reason: str,
    ) -> Actual:
        row = await edits.clear_actual_override(
            info.context.actor,
            ids.decode(plan_id, "Plan", "planId"),
            ids.decode(employee_id, "Employee", "employeeId"),
            indicator_key,
            reason,
        )
        return Actual.of(row)
