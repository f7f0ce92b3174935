"""The demo history's scores, from the real engine: a past month's plans are scored and
frozen at once (``recompute.refresh(freeze=True)`` and ``writes.insert_versions``, what the
FINALIZE step runs), the month being evaluated is scored live (``refresh``). Then the past
months' results releases and, in a few months, a locked calibration session whose changes
become the scores' next frozen version, as ``calibration.locking`` writes them.
"""

from __future__ import annotations

import random
import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from server.calibration.locking import REASON_PREFIX
from server.calibration.vocabulary import CalibrationScope, CalibrationState
from server.demo.history_rows import Month, PlanSpec, Roles, at
from server.demo.history_sql import insert
from server.models import CalibrationChange, CalibrationSession, ResultsRelease, Score
from server.scoring.recompute import refresh
from server.scoring.writes import insert_versions

# Why a calibration moved a grade: (direction, reason).
REASONS = (
    (1, "季度大客户签约贡献未体现在指标中 Key-account win not captured by the indicators"),
    (1, "跨部门支援两周 Two weeks of cross-team support"),
    (-1, "客户投诉一次，已核实 One verified customer complaint"),
    (-1, "数据口径偏宽，按部门标准复核 Figures reviewed against the department's standard"),
)
GRADES = ("fail", "pass", "good", "excellent")


async def score_month(company_id: UUID, month: Month, specs: list[PlanSpec], roles: Roles) -> int:
    """Every plan of the month scored by the engine; frozen (version 1) unless the month is
    the current one. Returns the scores written."""
    count = 0
    for spec in specs:
        # The plan's people by id: one read of their inputs rather than four ranges.
        people = [p.id for p in spec.people]
        if month.current:
            count += len(await refresh(company_id, spec.id, people))
            continue
        written = await refresh(company_id, spec.id, people, freeze=True)
        await insert_versions(
            [(uuid.uuid4(), i) for i in written.score_ids()],
            roles.perf,
            at(month.end + timedelta(days=9)),
        )
        count += len(written)
    return count


def release_time(month: Month, latest: bool) -> Any:
    """Ten days after the month, or (the latest finalized month) late in the next month, so
    that its feedback window is still open."""
    return at(month.end + timedelta(days=27 if latest else 10), 2)


async def release(
    company_id: UUID, month: Month, specs: list[PlanSpec], roles: Roles, latest: bool
) -> None:
    when = release_time(month, latest)
    await insert(
        ResultsRelease,
        [
            dict(
                company_id=company_id,
                plan_id=s.id,
                publish_at=when,
                released_by=roles.perf,
                announced_at=when,
                created_at=when,
            )
            for s in specs
        ],
    )


def _calibrated(row: Score, grade: str, reason: str, session_id: UUID, by: UUID) -> dict[str, Any]:
    result = dict(row.result or {})
    result["grade"] = grade
    result["calibration"] = {
        "session": str(session_id),
        "computed_grade": row.grade,
        "computed_total": None if row.total is None else format(Decimal(row.total), "f"),
        "reason": reason,
        "changed_by": str(by),
    }
    return result


async def calibrate(
    company_id: UUID, month: Month, specs: list[PlanSpec], roles: Roles, rng: random.Random
) -> int:
    """A locked department session over each of the month's two largest department plans,
    with a handful of grade changes near a band's edge; returns the changes."""
    chosen = sorted(
        (s for s in specs if s.level.value == "department"), key=lambda s: (-len(s.people), s.name)
    )[:2]
    opened = at(month.end + timedelta(days=6))
    locked = at(month.end + timedelta(days=8))
    count = 0
    for spec in chosen:
        scores = await Score.filter(plan_id=spec.id, frozen=True).exclude(total=None)
        # People a point or two from the next band up or down: what calibration argues about.
        near = sorted(scores, key=lambda s: (_edge(Decimal(s.total or 0)), str(s.employee_id)))
        session = await CalibrationSession.create(
            company_id=company_id,
            plan_id=spec.id,
            scope=CalibrationScope.DEPARTMENT.value,
            department_id=spec.department_id,
            scope_key=str(spec.department_id),
            state=CalibrationState.LOCKED.value,
            revision=2 + min(3, len(near)),
            opened_by=roles.hr_vp,
            opened_at=opened,
            locked_by=roles.hr_vp,
            locked_at=locked,
        )
        for row in near[: rng.randint(2, 3)]:
            step, reason = _reason(Decimal(row.total or 0), rng)
            grade = GRADES[min(3, max(0, GRADES.index(str(row.grade)) + step))]
            if grade == row.grade:
                continue
            await CalibrationChange.create(
                company_id=company_id,
                session_id=session.id,
                score_id=row.id,
                employee_id=row.employee_id,
                department_id=row.department_id,
                manager_id=row.manager_id,
                base_version=row.version,
                original_grade=row.grade,
                original_total=row.total,
                grade=grade,
                total=None,
                reason=reason,
                changed_by=roles.hr_vp,
                changed_at=opened + timedelta(hours=2),
            )
            await Score.filter(id=row.id, frozen=True, version=row.version).update(
                grade=grade,
                version=row.version + 1,
                result=_calibrated(row, grade, reason, session.id, roles.hr_vp),
            )
            await insert_versions(
                [(uuid.uuid4(), row.id)],
                roles.hr_vp,
                locked,
                reopen_reason=REASON_PREFIX + reason,
                reopened_by=roles.hr_vp,
            )
            count += 1
    return count


def _edge(total: Decimal) -> Decimal:
    """How far a total is from the nearest band edge (90, 80, 70)."""
    return min(abs(total - edge) for edge in (Decimal(90), Decimal(80), Decimal(70)))


def _reason(total: Decimal, rng: random.Random) -> tuple[int, str]:
    """Up when just below an edge, down when just above it."""
    below = min(
        (e - total for e in (Decimal(90), Decimal(80), Decimal(70)) if e > total), default=None
    )
    up = below is not None and below <= 2
    options = [r for r in REASONS if (r[0] > 0) == up]
    return rng.choice(options)
