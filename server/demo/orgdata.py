"""Deterministic org charts for the two demo tenants, "demo" and "case".

"demo" is the reference organisation from the source article (a GM, six VPs
each running a division of 4-6 departments, ~200 people); "case" is the
article's case company (120 people, 5 VPs, 10 department managers).

Pure data on purpose: no database, ORM or web imports, so seed scripts,
tests and documentation can all share one answer to "who reports to whom".
All randomness comes from a per-tenant seeded ``random.Random``; the same
code therefore always yields the same names, phones and dates.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from .names import DEPARTMENT_TITLES, GIVEN_NAMES, LEAD_TITLES, STAFF_TITLES, SURNAMES


@dataclass(frozen=True)
class DepartmentSpec:
    key: str
    name: str
    kind: str
    parent_key: str | None
    manager_username: str | None
    supervisor_username: str | None


@dataclass(frozen=True)
class RoleSpec:
    role: str
    department_key: str | None


@dataclass(frozen=True)
class PersonSpec:
    username: str
    name: str
    title: str
    employee_number: str
    department_key: str
    manager_username: str | None
    phone: str
    email: str
    hire_date: date
    roles: tuple[RoleSpec, ...]


@dataclass(frozen=True)
class CompanySpec:
    slug: str
    name: str
    name_zh: str
    timezone: str
    departments: tuple[DepartmentSpec, ...]
    people: tuple[PersonSpec, ...]


# --- plans -----------------------------------------------------------------


@dataclass(frozen=True)
class _Dept:
    key: str
    name: str
    kind: str
    staff: int  # headcount excluding the manager


@dataclass(frozen=True)
class _Division:
    key: str
    name: str
    departments: tuple[_Dept, ...]


@dataclass(frozen=True)
class _Plan:
    slug: str
    name: str
    name_zh: str
    number_prefix: str
    exec_staff: int
    divisions: tuple[_Division, ...]


def _parse_org(table: str) -> tuple[_Division, ...]:
    """Unindented rows are divisions (key, name); indented rows are their
    departments (key, name, kind, staff headcount excluding the manager)."""
    divisions: list[tuple[str, str, list[_Dept]]] = []
    for line in table.strip("\n").splitlines():
        fields = line.split()
        if not fields:
            continue
        if not line[0].isspace():
            divisions.append((fields[0], fields[1], []))
            continue
        key, name, kind, staff = fields
        divisions[-1][2].append(_Dept(key, name, kind, int(staff)))
    return tuple(_Division(k, n, tuple(depts)) for k, n, depts in divisions)


_ROOT_KEY = "exec"
_ROOT_NAME = "总经理办公室"
# The HR VP heads this department himself instead of appointing a manager,
# which is how the article's HR centre is organised; the division holding it
# is the HR VP's division.
_HR_DEPT_KEY = "hr"
_IT_DEPT_KEY = "it"

_DEMO = _Plan(
    slug="demo",
    name="Demo Group",
    name_zh="示范集团",
    number_prefix="D",
    exec_staff=2,
    divisions=_parse_org(
        """
sales             营销中心
    sales-east        华东销售部      sales        9
    sales-south       华南销售部      sales        8
    sales-north       华北销售部      sales        7
    sales-west        西部销售部      sales        6
    key-accounts      大客户部        sales        5
    marketing         市场部          marketing    6
production        生产中心
    assembly          总装车间        production   14
    machining         机加工车间      production   10
    quality           质量管理部      quality      7
    warehouse         仓储物流部      logistics    6
    equipment         工艺设备部      production   5
rnd               研发中心
    rnd-product       产品研发部      rnd          8
    rnd-hardware      硬件研发部      rnd          7
    rnd-software      软件研发部      rnd          9
    rnd-testing       测试验证部      rnd          5
service           客户服务中心
    service-hotline   客服热线部      service      7
    service-field     售后技术服务部  service      6
    service-parts     备件服务部      service      3
    service-care      客户关系部      service      4
hr-admin          人力行政中心
    hr                人力资源部      hr           5
    general-affairs   行政部          admin        4
    training          培训部          hr           3
    it                信息技术部      it           4
    ehs               安全环保部      admin        3
finance           财务采购中心
    accounting        财务部          finance      5
    cost              成本管理部      finance      3
    treasury          资金管理部      finance      3
    audit             内审部          finance      2
    procurement       采购部          procurement  5
    suppliers         供应商管理部    procurement  3
"""
    ),
)

_CASE = _Plan(
    slug="case",
    name="Case Electronics",
    name_zh="凯斯电子",
    number_prefix="C",
    exec_staff=1,
    divisions=_parse_org(
        """
sales             营销中心
    sales-domestic    销售部          sales        14
    service           客户服务部      service      8
production        制造中心
    manufacturing     生产部          production   30
    quality           品质部          quality      10
rnd               研发中心
    rnd-hardware      硬件研发部      rnd          12
    rnd-software      软件研发部      rnd          10
hr-admin          人力行政中心
    hr                人力资源部      hr           5
    it                信息技术部      it           4
finance           财务采购中心
    accounting        财务部          finance      6
    procurement       采购部          procurement  5
"""
    ),
)

# Seniority shapes tenure: the GM founded the place, VPs joined early,
# front-line staff are spread across the whole range.
_HIRE_WINDOWS: dict[str, tuple[date, date]] = {
    "gm": (date(2008, 1, 1), date(2010, 12, 31)),
    "vp": (date(2008, 1, 1), date(2014, 12, 31)),
    "manager": (date(2009, 1, 1), date(2020, 12, 31)),
    "staff": (date(2011, 1, 1), date(2026, 6, 30)),
}

# Real mainland mobile number-segment prefixes (China Mobile, Unicom, Telecom).
_PHONE_NUMBER_SEGMENTS = (
    *range(130, 140),
    *range(150, 154),
    *range(155, 160),
    *(166, 173, 176, 177),
    *range(180, 190),
    *(191, 198, 199),
)
_PHONE_PREFIXES = tuple(str(n) for n in _PHONE_NUMBER_SEGMENTS)

_SURNAME_CHARS = tuple(row[0] for row in SURNAMES)
_SURNAME_WEIGHTS = tuple(row[2] for row in SURNAMES)
_PINYIN = {row[0]: row[1] for row in SURNAMES}


# --- builder ---------------------------------------------------------------


class _Builder:
    def __init__(self, plan: _Plan) -> None:
        self.plan = plan
        # A string seed is hashed deterministically (unlike hash()), so the
        # output is stable across processes regardless of PYTHONHASHSEED.
        self.rng = random.Random(f"jixiao-demo-orgdata:{plan.slug}")
        self.departments: list[DepartmentSpec] = []
        self.people: list[PersonSpec] = []
        self._names: set[str] = set()
        self._locals: set[str] = set()
        self._phones: set[str] = set()

    def build(self) -> CompanySpec:
        plan = self.plan
        gm = self._username("gm")
        has_it = any(d.key == _IT_DEPT_KEY for div in plan.divisions for d in div.departments)
        self.departments.append(DepartmentSpec(_ROOT_KEY, _ROOT_NAME, "executive", None, gm, None))
        self._person("gm", "总经理", _ROOT_KEY, None, "gm", (RoleSpec("gm", None),))
        self._staff(_ROOT_KEY, "executive", plan.exec_staff, gm, with_admin=not has_it)
        for division in plan.divisions:
            self._division(division, gm)
        return CompanySpec(
            slug=plan.slug,
            name=plan.name,
            name_zh=plan.name_zh,
            timezone="Asia/Shanghai",
            departments=tuple(self.departments),
            people=tuple(self.people),
        )

    def _division(self, division: _Division, gm: str) -> None:
        is_hr = any(d.key == _HR_DEPT_KEY for d in division.departments)
        vp_local = "hrvp" if is_hr else f"vp.{division.key}"
        vp = self._username(vp_local)
        self.departments.append(
            DepartmentSpec(division.key, division.name, "division", _ROOT_KEY, vp, vp)
        )
        roles = [RoleSpec("vp", division.key)]
        title = "副总经理"
        if is_hr:
            roles.insert(0, RoleSpec("hr_vp", None))
            roles.append(RoleSpec("dept_manager", _HR_DEPT_KEY))
            title = "人力资源副总经理"
        self._person(vp_local, title, division.key, gm, "vp", tuple(roles))
        for dept in division.departments:
            headed_by_vp = is_hr and dept.key == _HR_DEPT_KEY
            mgr_local = f"mgr.{dept.key}"
            manager = vp if headed_by_vp else self._username(mgr_local)
            self.departments.append(
                DepartmentSpec(dept.key, dept.name, dept.kind, division.key, manager, vp)
            )
            if not headed_by_vp:
                self._person(
                    mgr_local,
                    "车间主任" if dept.name.endswith("车间") else "部门经理",
                    dept.key,
                    vp,
                    "manager",
                    (RoleSpec("dept_manager", dept.key),),
                )
            with_admin = dept.key == _IT_DEPT_KEY
            self._staff(dept.key, dept.kind, dept.staff, manager, with_admin=with_admin)

    def _staff(
        self, dept_key: str, kind: str, count: int, manager: str, *, with_admin: bool
    ) -> None:
        # The two platform operators occupy ordinary seats in their home
        # department, so they count toward its headcount like anyone else.
        special: list[tuple[str, str, RoleSpec]] = []
        if dept_key == _HR_DEPT_KEY:
            special.append(("perf", "绩效主管", RoleSpec("perf_admin", None)))
        if with_admin:
            special.append(("admin", "系统管理员", RoleSpec("admin", None)))
        if count < len(special):
            raise ValueError(f"department {dept_key!r} too small for its staff")
        pool = DEPARTMENT_TITLES.get(dept_key, STAFF_TITLES[kind])
        for i in range(count):
            if i < len(special):
                local, title, role = special[i]
                self._person(local, title, dept_key, manager, "staff", (role,))
                continue
            title = LEAD_TITLES[kind] if i == len(special) else self.rng.choice(pool)
            self._person(None, title, dept_key, manager, "staff", ())

    def _person(
        self,
        local: str | None,
        title: str,
        dept_key: str,
        manager: str | None,
        level: str,
        extra_roles: tuple[RoleSpec, ...],
    ) -> None:
        name, romanized = self._new_name()
        if local is None:
            local = self._free_local(romanized)
        elif local in self._locals:
            raise ValueError(f"duplicate username {local!r} in {self.plan.slug}")
        self._locals.add(local)
        self.people.append(
            PersonSpec(
                username=self._username(local),
                name=name,
                title=title,
                employee_number=f"{self.plan.number_prefix}{len(self.people) + 1:04d}",
                department_key=dept_key,
                manager_username=manager,
                phone=self._new_phone(),
                email=f"{local}@{self.plan.slug}.example.com",
                hire_date=self._hire_date(level),
                roles=(RoleSpec("employee", None), *extra_roles),
            )
        )

    def _username(self, local: str) -> str:
        return f"{local}@{self.plan.slug}"

    def _new_name(self) -> tuple[str, str]:
        # Unique within the company so that pickers and reports in the demo
        # never show two indistinguishable people.
        for _ in range(10_000):
            surname = self.rng.choices(_SURNAME_CHARS, _SURNAME_WEIGHTS)[0]
            given, given_py = self.rng.choice(GIVEN_NAMES)
            name = surname + given
            if name not in self._names:
                self._names.add(name)
                return name, f"{_PINYIN[surname]}.{given_py}"
        raise RuntimeError("name pool exhausted")

    def _free_local(self, base: str) -> str:
        # Homophones (徐/许, 军/俊) romanize identically; a counter keeps
        # them apart the way corporate mail systems usually do.
        if base not in self._locals:
            return base
        n = 2
        while f"{base}{n}" in self._locals:
            n += 1
        return f"{base}{n}"

    def _new_phone(self) -> str:
        while True:
            phone = self.rng.choice(_PHONE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if phone not in self._phones:
                self._phones.add(phone)
                return phone

    def _hire_date(self, level: str) -> date:
        start, end = _HIRE_WINDOWS[level]
        return start + timedelta(days=self.rng.randint(0, (end - start).days))


def demo_companies() -> tuple[CompanySpec, CompanySpec]:
    """The 'demo' and 'case' tenants, identical on every call."""
    return _Builder(_DEMO).build(), _Builder(_CASE).build()
