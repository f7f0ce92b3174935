"""A bulk entry's client key: the same key and rows again answer the first answer, unchanged.

The first batch under a key stores its digest and its answer in ``ActualBatch`` inside its own
transaction; the table's unique key (company, submitted_by, client_key) lets exactly one of
two racing sends commit, and the other then finds the stored answer. An answer keeps each
rejection's message key and parameters, not its text, so a replay speaks the language of
the request that replays it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from server.actuals.rows import ActualRow, RecordOutcome, RowRejection
from server.errors import Conflict, DomainError, ErrorCode
from server.models import ActualBatch


def digest(rows: Sequence[ActualRow]) -> str:
    """The rows as sent (values as written, so ``1e400`` is not expanded)."""
    plain = [
        [
            str(r.plan_id),
            str(r.employee_id),
            r.indicator_key,
            None if r.value is None else str(r.value),
            r.note,
        ]
        for r in rows
    ]
    return hashlib.sha256(json.dumps(plain, ensure_ascii=False).encode()).hexdigest()


def answer_json(outcome: RecordOutcome) -> dict[str, Any]:
    return {
        "accepted": list(outcome.accepted),
        "rejected": [
            {
                "index": r.index,
                "code": r.error.code.value,
                "key": r.error.key,
                "field": r.error.field,
                "params": r.error.params,
            }
            for r in outcome.rejected
        ],
    }


class ReplayedError(DomainError):
    """A row's rejection as first answered, rebuilt from the stored answer (its key was a
    literal at its raise site, checked there)."""

    def __init__(self, item: dict[str, Any]) -> None:
        super().__init__(item["key"], field=item["field"], **item["params"])
        self.code = ErrorCode(item["code"])


def replay(batch: ActualBatch, rows_digest: str) -> RecordOutcome:
    """The stored answer, or CONFLICT when the key came with other rows."""
    if batch.digest != rows_digest:
        raise Conflict("client_key_reused", client_key=batch.client_key)
    answer = batch.answer
    return RecordOutcome(
        accepted=tuple(int(i) for i in answer.get("accepted", ())),
        rejected=tuple(
            RowRejection(int(item["index"]), ReplayedError(item))
            for item in answer.get("rejected", ())
        ),
        replayed=True,
    )


async def find(company_id: UUID, submitted_by: UUID, client_key: str) -> ActualBatch | None:
    return await ActualBatch.get_or_none(
        company_id=company_id, submitted_by=submitted_by, client_key=client_key
    )


async def store(
    company_id: UUID, submitted_by: UUID, client_key: str, rows_digest: str, outcome: RecordOutcome
) -> None:
    """Claim the key (raises IntegrityError when another send holds it) with the answer."""
    await ActualBatch.create(
        company_id=company_id,
        submitted_by=submitted_by,
        client_key=client_key,
        digest=rows_digest,
        answer=answer_json(outcome),
    )
