"""Staged publishing: a plan's results reach its employees at one moment, once.

Managers, VPs and HR read scores as soon as they are computed (``score:read``); an employee
reads his own only once the plan's ``ResultsRelease`` is in effect (``score:read_published``
and ``publish_at <= now``). The HR VP or the performance admin (``score:publish``) releases
a FINALIZED or CLOSED plan's results now or at a set time.

A release is final: the plan's one-to-one column lets the database keep one however many
publishers race, and a second ``publishResults`` is CONFLICT (rescheduling would let a
release move after some employees read their results, or back before an announcement).

The ``published`` event goes out through the outbox once per release: in the release's own
transaction when it takes effect at once, else from ``announce_due_releases``, which the
server's scheduler calls every tick (a conditional UPDATE on ``announced_at IS NULL``, so two
processes announce a release once).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from server.audit import Actor, record
from server.calibration.vocabulary import CalibrationState
from server.errors import BadInput, Conflict, Forbidden
from server.events import ScoreEvent
from server.models import CalibrationSession, ResultsRelease, Score
from server.outbox import emit
from server.permissions import SCORE_PUBLISH, SCORE_READ, SCORE_READ_PUBLISHED
from server.plans.access import PlanView, load_plan
from server.scoring.vocabulary import ScoreEventKind
from server.vocabulary import AuditAction, AuditObjectType, PlanState

log = logging.getLogger("jixiao.scoring")

PUBLISHABLE = frozenset({PlanState.FINALIZED.value, PlanState.CLOSED.value})
# A publisher's clock and ours differ a little, and "now" typed into a form is already past.
PAST_GRACE = timedelta(minutes=1)
# Further ahead than a year is a typo, not a plan.
MAX_AHEAD = timedelta(days=366)
ANNOUNCE_BATCH = 200  # releases announced per scheduler tick


def utcnow() -> datetime:
    """The time visibility is decided at (tests move it forward instead of sleeping)."""
    return datetime.now(UTC)


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


def check_publish_at(at: datetime | None, now: datetime, field: str = "at") -> datetime:
    """When the release takes effect: ``at`` (aware, not past, within a year) or now."""
    if at is None:
        return now
    if at.utcoffset() is None:
        raise BadInput("timezone_required", field=field)
    at = at.astimezone(UTC)
    if at < now - PAST_GRACE:
        raise BadInput("publish_at_past", field=field, at=_stamp(at))
    if at > now + MAX_AHEAD:
        raise BadInput("date_range", field=field, min=_stamp(now), max=_stamp(now + MAX_AHEAD))
    return max(at, now)


async def publish_results(
    actor: Actor, plan_id: UUID, at: datetime | None = None
) -> ResultsRelease:
    """Release the plan's results to its employees now, or at ``at``; one release per plan.

    NOT_FOUND for a plan out of sight, FORBIDDEN without ``score:publish`` over every
    department it covers, CONFLICT before the plan is finalized or once it was released."""
    view = await PlanView.of(actor)
    plan, covered = await load_plan(view, plan_id)
    if not covered or not all(actor.authz.check(SCORE_PUBLISH, (d, None, None)) for d in covered):
        raise Forbidden("forbidden", action="publish", object_type="score")
    if plan.state not in PUBLISHABLE:
        raise Conflict("results_not_final", state=plan.state)
    if await CalibrationSession.exists(plan_id=plan.id, state=CalibrationState.OPEN.value):
        raise Conflict("results_calibrating")
    now = utcnow()
    publish_at = check_publish_at(at, now)
    # No look first: the unique plan column decides, for one publisher as for several.
    immediate = publish_at <= now
    try:
        async with in_transaction():
            release = await ResultsRelease.create(
                company_id=plan.company_id,
                plan_id=plan.id,
                publish_at=publish_at,
                released_by=actor.caller.employee_id,
                announced_at=now if immediate else None,
            )
            await record(
                actor,
                AuditAction.SCORE_PUBLISH,
                AuditObjectType.PLAN,
                plan.id,
                after={"publish_at": publish_at, "release": release.id},
            )
            if immediate:
                await emit(_published(release))
    except IntegrityError as exc:  # the plan's release exists (or a concurrent one won)
        won = await ResultsRelease.get_or_none(plan_id=plan.id)
        at_text = _stamp(won.publish_at) if won is not None else _stamp(publish_at)
        raise Conflict("results_already_published", at=at_text) from exc
    return release


def _published(release: ResultsRelease) -> ScoreEvent:
    return ScoreEvent(
        release.company_id, release.plan_id, ScoreEventKind.PUBLISHED.value, at=release.publish_at
    )


async def announce(release: ResultsRelease, now: datetime) -> bool:
    """Claim the release's announcement and emit its event; False when another process
    (which read the same due release) claimed it first."""
    async with in_transaction():
        # The claim: only the UPDATE that still finds it unannounced emits.
        claimed = await ResultsRelease.filter(id=release.id, announced_at=None).update(
            announced_at=now
        )
        if claimed:
            await emit(_published(release))
    return bool(claimed)


async def announce_due_releases(now: datetime | None = None) -> int:
    """Announce every release whose time has come and that nobody announced yet, across
    companies; returns how many this call announced. Safe to run in several processes."""
    now = now or utcnow()
    due = (
        await ResultsRelease.filter(announced_at=None, publish_at__lte=now)
        .order_by("publish_at")
        .limit(ANNOUNCE_BATCH)
    )
    announced = 0
    for release in due:
        announced += await announce(release, now)
    if announced:
        log.info("announced %s results release(s)", announced)
    return announced


async def released_plans(plan_ids: Iterable[UUID], now: datetime | None = None) -> set[UUID]:
    """Those of ``plan_ids`` whose results employees may read now."""
    wanted = list(set(plan_ids))
    if not wanted:
        return set()
    rows = await ResultsRelease.filter(
        plan_id__in=wanted, publish_at__lte=now or utcnow()
    ).values_list("plan_id", flat=True)
    return {UUID(str(r)) for r in rows}


def released_q(now: datetime | None = None, plan: str = "plan") -> Q:
    """SQL for rows (scores, reports) of plans whose results employees may read now."""
    # Built as a dict[str, Any]: Q's own ``join_type`` keyword is a str, the value is not.
    terms: dict[str, Any] = {f"{plan}__results_release__publish_at__lte": now or utcnow()}
    return Q(**terms)


def visible_scores_q(actor: Actor, now: datetime | None = None) -> Q | None:
    """SQL for the scores the caller may read (None: all of the company's): ``score:read``
    at once, ``score:read_published`` once the plan's release is in effect, except while the
    score is reopened for a correction."""
    columns = {"department": "department_id", "owner": "employee_id", "manager": "manager_id"}
    full_grant = actor.authz.scope(SCORE_READ)
    full = full_grant.q(**columns)
    if full is None:
        return None
    published_grant = actor.authz.scope(SCORE_READ_PUBLISHED)
    if published_grant.empty:
        return full
    # While a reopened score is being corrected (unfrozen after a first freeze) its employee
    # sees nothing of the half-done correction, only the next frozen version.
    published = released_q(now) & (Q(frozen=True) | Q(version=0))
    narrowed = published_grant.q(**columns)
    if narrowed is not None:
        published &= narrowed
    return full | published if not full_grant.empty else published


async def may_read(
    actor: Actor,
    position: tuple[UUID, UUID, UUID | None],
    plan_id: UUID,
    now: datetime | None = None,
) -> bool:
    """Whether the caller may read the score at ``position`` in the plan (as of ``now``; one
    statement at most, for the employee's own score)."""
    authz = actor.authz
    if authz.check(SCORE_READ, position):
        return True
    return authz.check(SCORE_READ_PUBLISHED, position) and bool(
        await released_plans([plan_id], now)
    )


MAX_MY_SCORES = 200  # a person's plans over many years; newest first


async def my_scores(actor: Actor) -> list[Score]:
    """The caller's own scores he may read, across plans, newest plan first."""
    caller = actor.caller
    query = Score.filter(company_id=caller.company_id, employee_id=caller.employee_id)
    if (visible := visible_scores_q(actor)) is not None:
        query = query.filter(visible)
    return await query.order_by("-plan__period_start", "-computed_at", "id").limit(MAX_MY_SCORES)
