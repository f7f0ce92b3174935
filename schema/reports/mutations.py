"""The actuals sheet's upload: decided in server/reports/sheets.py (through recordActuals)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from schema import ids
from schema.permissions import AUTH
from schema.reports.types import UploadActualsSheetPayload
from server.reports.sheets import upload_actuals_sheet


@strawberry.type
class ReportMutation:
    @strawberry.mutation(
        permission_classes=AUTH,
        description="Upload a filled actuals sheet (from actualsSheetLink): rows with a new "
        "value are recorded as recordActuals would; problems come back by sheet row.",
    )
    async def upload_actuals_sheet(
        self,
        info: Info,
        plan_id: strawberry.ID,
        content_base64: Annotated[
            str, strawberry.argument(description="The XLSX file, base64; at most 5 MB decoded.")
        ],
        client_key: Annotated[
            str | None,
            strawberry.argument(
                description="Sent again with the same sheet, nothing changes (at most 60 "
                "characters)."
            ),
        ] = None,
    ) -> UploadActualsSheetPayload:
        outcome = await upload_actuals_sheet(
            info.context.actor, ids.decode(plan_id, "Plan", "planId"), content_base64, client_key
        )
        return UploadActualsSheetPayload.of(outcome, info.context.lang)
