"""Freezing scores at the plan's FINALIZE step, reopening one for a correction, freezing it
again as the next version.

- ``freeze_plan`` (the workflow's FINALIZE, in its transaction): every live score of the plan
  is scored once more and written frozen as its next version (1 the first time), with its
  explanations in both languages, and copied into a ``ScoreVersion``. From then on nothing
  recomputes it: a later fact, target, assignment or formula change leaves it as it is.
- ``reopen_score`` (``score:reopen``, the performance admin; a reason is required): the
  frozen score becomes live again and is recomputed from the current inputs at once, and on
  every change after that. Audited SCORE_REOPEN; ScoreEvent REOPENED.
- ``freeze_score`` (the same permission): the live score is frozen as version n + 1, whose
  ``ScoreVersion`` keeps the reason and the person of the reopen before it. Audited
  SCORE_FREEZE; ScoreEvent FROZEN. Every older version stays readable
  (``results.score_versions``).

Two concurrent reopens, or freezes, of one score: exactly one succeeds. Each is a conditional
UPDATE on (frozen, version) that only one transaction can satisfy (PostgreSQL re-checks the
condition on the row after the first commits; SQLite runs one write transaction at a time),
and the unique (score, version) of ``ScoreVersion`` backs the freeze; the other is CONFLICT.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid4

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from server import validation
from server.audit import Actor, record
from server.errors import Conflict, Forbidden, NotFound
from server.events import ScoreEvent
from server.models import AuditEntry, Score
from server.outbox import emit
from server.permissions import SCORE_REOPEN
from server.scoring import snapshot, sql
from server.scoring.recompute import events, refresh
from server.scoring.results import get_score, position
from server.scoring.vocabulary import ScoreEventKind
from server.scoring.writes import insert_versions
from server.vocabulary import AuditAction, AuditObjectType

MAX_REASON = 2000


async def freeze_plan(actor: Actor, plan_id: UUID) -> int:
    """Freeze every live score of the plan as its next version; returns how many. Called by
    the workflow's FINALIZE step inside its transaction (the plan row is locked there)."""
    company_id = actor.caller.company_id
    async with in_transaction(sql.connection_name()):
        written = await refresh(company_id, plan_id, freeze=True)
        now = datetime.now(UTC)
        await insert_versions(
            [(uuid4(), i) for i in written.score_ids()], actor.caller.employee_id, now
        )
        if written:
            # One entry for the plan's scores: the FINALIZE entry beside it says why.
            await record(
                actor,
                AuditAction.SCORE_FREEZE,
                AuditObjectType.PLAN,
                plan_id,
                after={"scores": len(written), "frozen_at": now},
            )
        await emit(*events(company_id, plan_id, ScoreEventKind.FROZEN, written))
    return len(written)


async def _correctable(actor: Actor, score_id: UUID) -> Score:
    """The score, seen (NOT_FOUND otherwise) and one the caller may reopen and freeze."""
    row = await get_score(actor, score_id)
    if not actor.authz.check(SCORE_REOPEN, position(row)):
        raise Forbidden("forbidden", action="reopen", object_type="score")
    return row


async def reopen_score(actor: Actor, score_id: UUID, reason: str) -> Score:
    """Make a frozen score live again for a correction; it is recomputed at once."""
    row = await _correctable(actor, score_id)
    reason = validation.text(reason, "reason", max_length=MAX_REASON)
    if not row.frozen:
        raise Conflict("score_not_frozen", version=row.version)
    async with in_transaction(sql.connection_name()):
        reopened = await Score.filter(id=row.id, frozen=True, version=row.version).update(
            frozen=False
        )
        if not reopened:
            raise Conflict("score_not_frozen", version=row.version)
        await record(
            actor,
            AuditAction.SCORE_REOPEN,
            AuditObjectType.SCORE,
            row.id,
            before={"frozen": True, "version": row.version},
            after={"frozen": False, "version": row.version, "reason": reason},
        )
        written = await refresh(row.company_id, row.plan_id, [row.employee_id])
        reopen = ScoreEvent(
            row.company_id,
            row.plan_id,
            ScoreEventKind.REOPENED.value,
            employee_id=row.employee_id,
            department_id=row.department_id,
            manager_id=row.manager_id,
            score_id=row.id,
            version=row.version,
        )
        computed = events(row.company_id, row.plan_id, ScoreEventKind.COMPUTED, written)
        await emit(reopen, *computed)
    return await _as_read(row.id)


async def _last_reopen(row: Score) -> tuple[str, UUID | None]:
    """Why and by whom the score was last reopened: the audit entry the reopen wrote in its
    own transaction is the record of it."""
    entry = (
        await AuditEntry.filter(
            company_id=row.company_id,
            action=AuditAction.SCORE_REOPEN.value,
            object_type=AuditObjectType.SCORE.value,
            object_id=str(row.id),
        )
        .order_by("-created_at", "-id")
        .first()
    )
    if entry is None:
        return "", None
    return str((entry.after or {}).get("reason", "")), entry.actor_id


async def freeze_score(actor: Actor, score_id: UUID) -> Score:
    """Freeze a live (reopened) score as its next version."""
    row = await _correctable(actor, score_id)
    if row.frozen:
        raise Conflict("score_frozen", version=row.version)
    reason, reopened_by = await _last_reopen(row) if row.version else ("", None)
    try:
        async with in_transaction(sql.connection_name()):
            written = await refresh(
                row.company_id,
                row.plan_id,
                [row.employee_id],
                freeze=True,
                expected_version=row.version,
            )
            if not written:
                if not await Score.exists(id=row.id):
                    raise NotFound("score")
                raise Conflict("score_frozen", version=row.version + 1)
            (frozen,) = written
            now = datetime.now(UTC)
            await insert_versions(
                [(uuid4(), frozen.score_id)],
                actor.caller.employee_id,
                now,
                reopen_reason=reason,
                reopened_by=reopened_by,
            )
            await record(
                actor,
                AuditAction.SCORE_FREEZE,
                AuditObjectType.SCORE,
                row.id,
                before={"frozen": False, "version": row.version},
                after={"frozen": True, "version": frozen.version, "reopen_reason": reason},
            )
            await emit(*events(row.company_id, row.plan_id, ScoreEventKind.FROZEN, written))
    except IntegrityError as exc:  # the version exists: a concurrent freeze committed it
        raise Conflict("score_frozen", version=row.version + 1) from exc
    return await _as_read(row.id)


async def _as_read(score_id: UUID) -> Score:
    """The score as readers see it (a live one with its snapshot attached)."""
    row = await Score.get(id=score_id)
    await snapshot.attach([row])
    return row
