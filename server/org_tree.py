"""Each company's department tree, cached in the process and dropped on every change.

Authorization asks subtree questions on most requests; reading 500 department links each
time cost more than the rest of the decision. The cache is emptied by every department
write in this process and expires after ``TTL`` seconds, which bounds staleness when
several processes serve one database (docs/operations.md).
"""

from __future__ import annotations

import time
from uuid import UUID

from server.authz import OrgTree
from server.models import Department

TTL = 30.0
_trees: dict[UUID, tuple[float, OrgTree]] = {}


async def org_tree(company_id: UUID) -> OrgTree:
    cached = _trees.get(company_id)
    now = time.monotonic()
    if cached is not None and now - cached[0] < TTL:
        return cached[1]
    links = await Department.filter(company_id=company_id).values_list("id", "parent_id")
    tree = OrgTree.from_links(links)
    _trees[company_id] = (now, tree)
    return tree


def forget(company_id: UUID) -> None:
    """Call after any change to a company's departments."""
    _trees.pop(company_id, None)
