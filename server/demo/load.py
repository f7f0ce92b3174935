"""Writing the demo companies into the database (idempotent: existing tenants are skipped)."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID, uuid4

from tortoise.transactions import in_transaction

from server.demo.history import generate_history, history_steps
from server.demo.orgdata import CompanySpec, demo_companies
from server.models import Company, Department, Employee, RoleAssignment
from server.services.auth import hash_password
from server.services.company import create_company

DEMO_PASSWORD = "jixiao-demo"
Progress = Callable[[str, int], None]
HISTORY_MONTHS = 12


async def load_company(
    spec: CompanySpec, password_hash: str, progress: Progress | None = None
) -> bool:
    """Create one demo tenant; False when a company with that slug already exists."""
    if await Company.exists(slug=spec.slug):
        return False
    person_ids: dict[str, UUID] = {p.username: uuid4() for p in spec.people}
    dept_ids: dict[str, UUID] = {d.key: uuid4() for d in spec.departments}

    def person(username: str | None) -> UUID | None:
        return None if username is None else person_ids[username]

    async with in_transaction():
        company = await create_company(
            slug=spec.slug, name=spec.name, name_zh=spec.name_zh, timezone=spec.timezone
        )
        # Parents come first in the spec, so one bulk insert keeps every parent link valid.
        await Department.bulk_create(
            [
                Department(
                    id=dept_ids[d.key],
                    company_id=company.id,
                    parent_id=None if d.parent_key is None else dept_ids[d.parent_key],
                    name=d.name,
                    kind=d.kind,
                    manager_id=person(d.manager_username),
                    supervisor_id=person(d.supervisor_username),
                )
                for d in spec.departments
            ]
        )
        if progress:
            progress("departments", len(spec.departments))
        await Employee.bulk_create(
            [
                Employee(
                    id=person_ids[p.username],
                    company_id=company.id,
                    username=p.username,
                    password_hash=password_hash,
                    name=p.name,
                    title=p.title,
                    employee_number=p.employee_number,
                    department_id=dept_ids[p.department_key],
                    manager_id=person(p.manager_username),
                    phone=p.phone,
                    email=p.email,
                    hire_date=p.hire_date,
                )
                for p in spec.people
            ],
            batch_size=500,
        )
        if progress:
            progress("employees", len(spec.people))
        # "employee" is implicit for every active person, so it is not stored.
        await RoleAssignment.bulk_create(
            [
                RoleAssignment(
                    company_id=company.id,
                    employee_id=person_ids[p.username],
                    role=r.role,
                    department_id=None if r.department_key is None else dept_ids[r.department_key],
                )
                for p in spec.people
                for r in p.roles
                if r.role != "employee"
            ]
        )
        if progress:
            progress("roles", 1)
    return True


async def load_demo(
    progress: Progress | None = None, *, history: bool = False, months: int = HISTORY_MONTHS
) -> list[str]:
    """Load every demo company that is missing; returns the slugs created. With
    ``history``, also ``months`` months of plans, scores and the rest (server/demo/history.py)
    for each demo company that has none yet."""
    created: list[str] = []
    companies = demo_companies()
    if not all([await Company.exists(slug=c.slug) for c in companies]):
        password_hash = await hash_password(DEMO_PASSWORD)  # one hash: argon2 is slow by design
        for spec in companies:
            if await load_company(spec, password_hash, progress):
                created.append(spec.slug)
    if history:
        for spec in companies:
            company = await Company.get(slug=spec.slug)
            await generate_history(company.id, months, seed=spec.slug, progress=progress)
    return created


def demo_size(*, history: bool = False, months: int = HISTORY_MONTHS) -> dict[str, int]:
    """What a progress bar needs: the number of steps per company."""
    extra = history_steps(months) if history else 0
    return {c.slug: len(c.departments) + len(c.people) + 1 + extra for c in demo_companies()}
