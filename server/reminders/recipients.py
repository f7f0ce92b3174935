"""Who holds the roles the rules alert, read once per run (two statements per tenant).

A department's VP is whoever holds ``vp`` over that department or one above it (a VP's
role covers his division's subtree); the company-wide roles (HR VP, performance admin,
tenant admin) go to every active holder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from server.models import Department, RoleAssignment
from server.vocabulary import Role

ALERTED = (Role.VP, Role.HR_VP, Role.PERF_ADMIN, Role.ADMIN)


@dataclass
class Recipients:
    holders: dict[Role, list[tuple[UUID, UUID | None]]] = field(default_factory=dict)
    parents: dict[UUID, UUID | None] = field(default_factory=dict)
    names: dict[UUID, str] = field(default_factory=dict)

    def company(self, role: Role) -> list[UUID]:
        """The holders of a company-wide role, each once."""
        return sorted({person for person, _ in self.holders.get(role, [])}, key=str)

    def vps_of(self, department_id: UUID) -> list[UUID]:
        """The VPs whose subtree holds the department (a VP held company-wide counts too)."""
        above: set[UUID | None] = {None}
        current: UUID | None = department_id
        while current is not None and current not in above:
            above.add(current)
            current = self.parents.get(current)
        found = {person for person, over in self.holders.get(Role.VP, []) if over in above}
        return sorted(found, key=str)

    def department_name(self, department_id: UUID) -> str:
        return self.names.get(department_id, "")


async def load_recipients(company_id: UUID) -> Recipients:
    found = Recipients()
    rows = await RoleAssignment.filter(
        company_id=company_id, role__in=[r.value for r in ALERTED], employee__is_active=True
    ).values_list("employee_id", "role", "department_id")
    for person, role, over in rows:
        found.holders.setdefault(Role(role), []).append((person, over))
    for dept_id, parent_id, name in await Department.filter(company_id=company_id).values_list(
        "id", "parent_id", "name"
    ):
        found.parents[dept_id] = parent_id
        found.names[dept_id] = name
    return found
