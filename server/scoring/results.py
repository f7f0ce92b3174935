"""Reading scores, filtered in SQL by the policy: the services behind the scores queries.

Who sees a score (one SQL filter, ``publishing.visible_scores_q``): ``score:read`` holders
over the rows their grant covers, at once; ``score:read_published`` holders (an employee,
his own) only once the plan's ``ResultsRelease`` is in effect (``publish_at <= now``).
Anything else, or another company's score, is NOT_FOUND.

What a row means is server/scoring/snapshot.py's: ``snapshot.items(row)`` for the stored
numbers, ``snapshot.explanation(row, lang, frozen=row.frozen)`` for the words, and the same
for each ``ScoreVersion`` (always frozen). A live score is kept compact: the rows returned
here have their snapshot attached (``snapshot.attach``, three statements for a page).
"""

from __future__ import annotations

from uuid import UUID

from server.audit import Actor
from server.errors import NotFound
from server.models import Score, ScoreVersion
from server.paging import Page, after_filter, check_first, encode_cursor
from server.scoring import snapshot
from server.scoring.publishing import visible_scores_q


def position(row: Score | ScoreVersion) -> tuple[UUID, UUID, UUID | None]:
    """Where the score's person stood at assignment time, for the policy's relations."""
    return (row.department_id, row.employee_id, row.manager_id)


async def list_scores(
    actor: Actor,
    plan_id: UUID,
    *,
    department_id: UUID | None = None,
    first: int,
    after: str | None = None,
) -> Page[Score]:
    """The plan's scores the caller may read, in employee order (only one department's with
    ``department_id``): one statement per page."""
    check_first(first)
    query = Score.filter(company_id=actor.caller.company_id, plan_id=plan_id)
    visible = visible_scores_q(actor)
    if visible is not None:
        query = query.filter(visible)
    if department_id is not None:
        query = query.filter(department_id=department_id)
    cursor = after_filter("employee_id", after, parse=UUID)
    if cursor is not None:
        query = query.filter(cursor)
    rows = await query.order_by("employee_id", "id").limit(first + 1)
    page = rows[:first]
    await snapshot.attach(page)
    return Page(page, [encode_cursor(str(r.employee_id), r.id) for r in page], len(rows) > first)


async def get_score(actor: Actor, score_id: UUID) -> Score:
    """The score, if the caller may read it; NOT_FOUND otherwise (or in another company)."""
    query = Score.filter(id=score_id, company_id=actor.caller.company_id)
    visible = visible_scores_q(actor)
    if visible is not None:
        query = query.filter(visible)
    row = await query.first()
    if row is None:
        raise NotFound("score")
    await snapshot.attach([row])
    return row


async def score_versions(actor: Actor, score_id: UUID) -> list[ScoreVersion]:
    """Every frozen version of a score the caller may read, oldest first."""
    score = await get_score(actor, score_id)
    return await ScoreVersion.filter(score_id=score.id, company_id=score.company_id).order_by(
        "version"
    )
