"""Each company's departments and their tree, cached in the process, dropped on every change.

Authorization asks subtree questions on most requests, and most pages show department
names, managers and supervisors; reading 500 departments for each request cost more than
the rest of the decision. A company has hundreds of departments, not millions, and they
change seldom, so the whole chart is kept. The cache is emptied by every department write
in this process and expires after ``TTL`` seconds, which bounds staleness when several
processes serve one database (docs/operations.md).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from uuid import UUID

from server.authz import OrgTree
from server.models import Department

TTL = 30.0


@dataclass(frozen=True, slots=True)
class DepartmentRow:
    """A department as read for display: plain values, no ORM object."""

    id: UUID
    company_id: UUID
    parent_id: UUID | None
    name: str
    kind: str
    manager_id: UUID | None
    supervisor_id: UUID | None
    is_active: bool


@dataclass(frozen=True)
class OrgChart:
    """All departments of one company, active or not, and the tree they form."""

    tree: OrgTree
    departments: Mapping[UUID, DepartmentRow]


_charts: dict[UUID, tuple[float, OrgChart]] = {}
# Bumped by forget(): a chart read while a change was being committed is used by the request
# that read it, but not cached, or it would hide the change until the TTL ran out.
_generations: dict[UUID, int] = {}


async def org_chart(company_id: UUID) -> OrgChart:
    cached = _charts.get(company_id)
    now = time.monotonic()
    if cached is not None and now - cached[0] < TTL:
        return cached[1]
    generation = _generations.get(company_id, 0)
    rows = [
        DepartmentRow(**values)
        for values in await Department.filter(company_id=company_id).values(
            *DepartmentRow.__slots__
        )
    ]
    chart = OrgChart(OrgTree.from_links((d.id, d.parent_id) for d in rows), {d.id: d for d in rows})
    if _generations.get(company_id, 0) == generation:
        _charts[company_id] = (now, chart)
    return chart


async def org_tree(company_id: UUID) -> OrgTree:
    return (await org_chart(company_id)).tree


def forget(company_id: UUID) -> None:
    """Call after any change to a company's departments."""
    _charts.pop(company_id, None)
    _generations[company_id] = _generations.get(company_id, 0) + 1
