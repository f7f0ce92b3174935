"""A scaled tenant for the benchmarks: ~10,000 employees in ~500 departments.

Not a benchmark by itself: ``bench_employees`` uses it to fill the database, and the
in-memory ceiling serves the very same rows. The shape follows the demo org (a GM, six VPs
each running a division), one level deeper so that there are ~500 departments:

    总经理办公室 (GM) -> 6 divisions (VP) -> 12 departments each (dept manager)
                                          -> 6 teams each (team lead, dept_manager role)

Deterministic: a seeded ``random.Random``; names may repeat (10,000 people outnumber the
demo name pool), as they do in real companies of that size.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from uuid import UUID

from tortoise.transactions import in_transaction

from server.demo.names import GIVEN_NAMES, LEAD_TITLES, STAFF_TITLES, SURNAMES
from server.models import Company, Department, Employee, RoleAssignment

SLUG = "scale"
KINDS = ("sales", "production", "rnd", "service", "finance", "it")
DIVISION_NAMES = ("营销中心", "生产中心", "研发中心", "客户服务中心", "财务采购中心", "信息中心")
CHUNK = 1000


@dataclass
class Dept:
    id: UUID
    parent_id: UUID | None
    name: str
    kind: str
    manager_id: UUID | None = None
    supervisor_id: UUID | None = None


@dataclass
class Person:
    id: UUID
    username: str
    name: str
    title: str
    employee_number: str
    department_id: UUID
    manager_id: UUID | None
    phone: str
    email: str
    hire_date: date


@dataclass
class ScaleOrg:
    departments: list[Dept] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    roles: list[tuple[UUID, str, UUID | None]] = field(default_factory=list)
    # Who to sign in as, per benchmarked role.
    sign_in: dict[str, str] = field(default_factory=dict)


def build_scale_org(
    employees: int = 10_000,
    divisions: int = 6,
    departments_per_division: int = 12,
    teams_per_department: int = 6,
    seed: str = "jixiao-bench-scale",
) -> ScaleOrg:
    rng = random.Random(seed)
    org = ScaleOrg()

    def uid() -> UUID:
        return UUID(int=rng.getrandbits(128), version=4)

    def name() -> str:
        surname = rng.choices([s[0] for s in SURNAMES], [s[2] for s in SURNAMES])[0]
        return surname + rng.choice(GIVEN_NAMES)[0]

    def person(dept: Dept, manager_id: UUID | None, title: str, local: str | None = None) -> Person:
        n = len(org.people) + 1
        local = local or f"e{n:05d}"
        start = date(2008, 1, 1)
        p = Person(
            id=uid(),
            username=f"{local}@{SLUG}",
            name=name(),
            title=title,
            employee_number=f"S{n:05d}",
            department_id=dept.id,
            manager_id=manager_id,
            phone=rng.choice(("138", "139", "186", "159")) + f"{rng.randrange(10**8):08d}",
            email=f"{local}@{SLUG}.example.com",
            hire_date=start + timedelta(days=rng.randrange(6700)),
        )
        org.people.append(p)
        return p

    def dept(parent: Dept | None, dname: str, kind: str) -> Dept:
        d = Dept(uid(), None if parent is None else parent.id, dname, kind)
        org.departments.append(d)
        return d

    root = dept(None, "总经理办公室", "executive")
    gm = person(root, None, "总经理", "gm")
    root.manager_id = gm.id
    org.roles.append((gm.id, "gm", None))
    org.sign_in["gm"] = gm.username
    teams: list[tuple[Dept, Person]] = []
    for v in range(divisions):
        kind = KINDS[v % len(KINDS)]
        division = dept(root, DIVISION_NAMES[v % len(DIVISION_NAMES)], "division")
        vp = person(division, gm.id, "副总经理", f"vp.{v + 1}")
        division.manager_id = division.supervisor_id = vp.id
        org.roles.append((vp.id, "vp", division.id))
        for d in range(departments_per_division):
            department = dept(division, f"{division.name}第{d + 1}部", kind)
            head = person(department, vp.id, "部门经理", f"mgr.{v + 1}.{d + 1}")
            department.manager_id, department.supervisor_id = head.id, vp.id
            org.roles.append((head.id, "dept_manager", department.id))
            for t in range(teams_per_department):
                team = dept(department, f"{department.name}{t + 1}组", kind)
                lead = person(team, head.id, LEAD_TITLES[kind], f"lead.{v + 1}.{d + 1}.{t + 1}")
                team.manager_id, team.supervisor_id = lead.id, vp.id
                org.roles.append((lead.id, "dept_manager", team.id))
                teams.append((team, lead))
    org.sign_in["vp"] = f"vp.1@{SLUG}"
    org.sign_in["dept_manager"] = f"mgr.1.1@{SLUG}"
    staff = max(employees - len(org.people), 0)
    for i in range(staff):
        team, lead = teams[i % len(teams)]
        p = person(team, lead.id, rng.choice(STAFF_TITLES[team.kind]))
        if i == 0:
            org.sign_in["employee"] = p.username
        elif i == 1:
            org.roles.append((p.id, "admin", None))
        elif i == 2:
            org.roles.append((p.id, "perf_admin", None))
    return org


async def load_scale_org(org: ScaleOrg, password_hash: str) -> None:
    """Insert the tenant with bulk inserts in chunks of ``CHUNK`` rows (parents first)."""
    async with in_transaction():
        company = await Company.create(
            slug=SLUG, name="Scale Industries", name_zh="规模工业", timezone="Asia/Shanghai"
        )
        for i in range(0, len(org.departments), CHUNK):
            await Department.bulk_create(
                [
                    Department(
                        id=d.id,
                        company_id=company.id,
                        parent_id=d.parent_id,
                        name=d.name,
                        kind=d.kind,
                        manager_id=d.manager_id,
                        supervisor_id=d.supervisor_id,
                    )
                    for d in org.departments[i : i + CHUNK]
                ]
            )
        for i in range(0, len(org.people), CHUNK):
            await Employee.bulk_create(
                [
                    Employee(
                        id=p.id,
                        company_id=company.id,
                        username=p.username,
                        password_hash=password_hash,
                        name=p.name,
                        title=p.title,
                        employee_number=p.employee_number,
                        department_id=p.department_id,
                        manager_id=p.manager_id,
                        phone=p.phone,
                        email=p.email,
                        hire_date=p.hire_date,
                    )
                    for p in org.people[i : i + CHUNK]
                ]
            )
        for i in range(0, len(org.roles), CHUNK):
            await RoleAssignment.bulk_create(
                [
                    RoleAssignment(company_id=company.id, employee_id=e, role=role, department_id=d)
                    for e, role, d in org.roles[i : i + CHUNK]
                ]
            )
