"""Shared fixtures: the real app over a real database (SQLite, and PostgreSQL when asked).

Every test that takes ``api`` runs once per backend. The two demo companies are loaded once
per backend and are read-only by convention: tests that change data create their own
company with ``make_company`` so role-matrix tests always see the demo org as shipped.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

import asyncpg
import httpx
import pytest

from schema.app import create_app
from server.db import using
from server.demo.load import DEMO_PASSWORD, load_demo
from server.runtime import Runtime, start_runtime
from server.settings import PROJECT_ROOT, Settings

POSTGRES_URL = os.environ.get("JIXIAO_TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgres"] if POSTGRES_URL else [])


def _with_database(url: str, name: str) -> str:
    parts = urlparse(url)
    return urlunparse(parts._replace(path=f"/{name}"))


@dataclass
class Api:
    """A client for the GraphQL endpoint with sign-in helpers."""

    runtime: Runtime
    client: httpx.AsyncClient
    backend: str
    tokens: dict[str, str] = field(default_factory=dict)

    async def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        lang: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        sent = dict(headers or {})
        if token:
            sent["Authorization"] = f"Bearer {token}"
        if lang:
            sent["Accept-Language"] = lang
        body: dict[str, Any] = {"query": query}
        if variables is not None:
            body["variables"] = variables
        return await self.client.post("/graphql", json=body, headers=sent)

    async def gql(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        as_user: str | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        token = await self.token(as_user) if as_user else kwargs.pop("token", None)
        response = await self.post(query, variables, token=token, **kwargs)
        assert response.status_code < 500, response.text
        return response.json()

    async def token(self, username: str, password: str = DEMO_PASSWORD) -> str:
        if username not in self.tokens:
            result = await self.post(
                "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }",
                {"u": username, "p": password},
            )
            payload = result.json()
            assert "errors" not in payload, payload
            self.tokens[username] = payload["data"]["login"]["accessToken"]
        return self.tokens[username]


@pytest.fixture(scope="session")
def policy_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the real policy files that reload tests may edit (and restore)."""
    target = tmp_path_factory.mktemp("policies")
    for name in ("model.conf", "policy.csv"):
        shutil.copy(PROJECT_ROOT / "policies" / name, target / name)
    return target


@contextlib.asynccontextmanager
async def started_runtime(
    backend: str,
    tmp_path_factory: pytest.TempPathFactory,
    policy_dir: Path,
    name: str,
    connection_name: str,
) -> AsyncIterator[Runtime]:
    """A runtime on a new database of its own (``name`` tells them apart), dropped after."""
    dropped: str | None = None
    if backend == "sqlite":
        url = f"sqlite://{tmp_path_factory.mktemp(name) / 'jixiao.sqlite3'}"
    else:
        assert POSTGRES_URL is not None
        dropped = f"jixiao_{name}_{uuid.uuid4().hex[:12]}"
        admin = await asyncpg.connect(POSTGRES_URL)
        await admin.execute(f'CREATE DATABASE "{dropped}"')
        await admin.close()
        url = _with_database(POSTGRES_URL, dropped)
    settings = Settings(database_url=url, policy_dir=policy_dir, policy_watch_seconds=0)
    rt = await start_runtime(settings, watch_policies=False, connection_name=connection_name)
    try:
        yield rt
    finally:
        await rt.close()
        if dropped:
            admin = await asyncpg.connect(POSTGRES_URL)
            await admin.execute(f'DROP DATABASE IF EXISTS "{dropped}" WITH (FORCE)')
            await admin.close()


@pytest.fixture(scope="session", params=BACKENDS)
async def runtime(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, policy_dir: Path
) -> AsyncIterator[Runtime]:
    async with started_runtime(
        request.param, tmp_path_factory, policy_dir, "test", request.param
    ) as rt:
        with using(rt.db):
            await load_demo()
        yield rt


@pytest.fixture(scope="session")
async def api(runtime: Runtime) -> AsyncIterator[Api]:
    app = create_app(runtime=runtime)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield Api(
            runtime, client, "postgres" if "postgres" in runtime.settings.database_url else "sqlite"
        )


def _fields(obj: object) -> dict[str, Any]:
    """The object's attributes, its dicts copied (changed in place, they would compare equal)."""
    return {k: dict(v) if isinstance(v, dict) else v for k, v in vars(obj).items()}


def _shape(rt: Runtime) -> dict[str, Any]:
    """What a test may change in the shared runtime only for its own duration."""
    return {
        "settings": rt.settings,
        "policy files": {f.name: f.read_bytes() for f in sorted(rt.settings.policy_dir.iterdir())},
        "policy in force": (rt.policies.current.rule_count, rt.policies.last_error is None),
        "connectors": (dict(rt.plugins.connectors), dict(rt.plugins.sources)),
        "metrics": (rt.metrics, _fields(rt.metrics)),
        "engine": (rt.engine.policy, rt.engine.allow_private, rt.engine.heartbeat),
        "auth": (rt.auth, rt.auth.throttle),
    }


@pytest.fixture(autouse=True)
def runtime_restored(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail the test that leaves the shared runtime changed (policy folder, connector list,
    settings, engine), rather than whichever later test happens to depend on it. Runs its
    check after every other fixture of the test, monkeypatch included, has torn down."""
    if "runtime" not in request.fixturenames:
        yield
        return
    rt: Runtime = request.getfixturevalue("runtime")
    before = _shape(rt)
    yield
    after = _shape(rt)
    changed = [name for name in before if before[name] != after[name]]
    assert not changed, f"the test left the shared runtime changed: {', '.join(changed)}"


@pytest.fixture
async def db(runtime: Runtime) -> AsyncIterator[Runtime]:
    """Direct ORM access inside the test (for setting up and checking rows)."""
    with using(runtime.db):
        yield runtime


@dataclass
class Sandbox:
    """A small company of its own, for tests that change data."""

    slug: str
    ids: dict[str, str]  # name -> global ID of departments and people
    company_id: uuid.UUID  # for waiting on the company's event buses

    def user(self, local: str) -> str:
        return f"{local}@{self.slug}"


_HASH: dict[str, str] = {}


@pytest.fixture
async def make_company(api: Api) -> Any:
    """Factory: a fresh tenant with a root, two divisions, one department each, and people."""
    from schema.ids import encode
    from server.models import Department, Employee, RoleAssignment
    from server.services.auth import hash_password
    from server.services.company import create_company

    async def factory() -> Sandbox:
        if "pw" not in _HASH:
            _HASH["pw"] = await hash_password(DEMO_PASSWORD)
        slug = f"t{uuid.uuid4().hex[:8]}"
        ids: dict[str, str] = {}
        with using(api.runtime.db):
            company = await create_company(slug=slug, name=f"Test {slug}")
            root = await Department.create(company=company, name="总经办", kind="executive")
            div_a = await Department.create(
                company=company, name="营销中心", kind="division", parent=root
            )
            div_b = await Department.create(
                company=company, name="生产中心", kind="division", parent=root
            )
            sales = await Department.create(
                company=company, name="销售一部", kind="sales", parent=div_a
            )
            plant = await Department.create(
                company=company, name="装配车间", kind="production", parent=div_b
            )
            people = [
                ("gm", root, None, ["gm"]),
                ("admin", root, None, ["admin"]),
                ("hrvp", root, None, ["hr_vp"]),
                ("vpa", div_a, None, [("vp", div_a)]),
                ("vpb", div_b, None, [("vp", div_b)]),
                ("mgr", sales, "vpa", [("dept_manager", sales)]),
                ("staff", sales, "mgr", []),
                ("worker", plant, "vpb", []),
                ("perf", root, None, ["perf_admin"]),
            ]
            rows: dict[str, Employee] = {}
            for number, (local, dept, manager, roles) in enumerate(people, start=1):
                rows[local] = await Employee.create(
                    company=company,
                    username=f"{local}@{slug}",
                    password_hash=_HASH["pw"],
                    name=f"{local.upper()} 测试",
                    title="职员",
                    employee_number=f"T{number:04d}",
                    department=dept,
                    manager=rows.get(manager) if manager else None,
                    phone=f"1380000{number:04d}",
                    email=f"{local}@{slug}.example.com",
                )
                for role in roles:
                    name, scope = role if isinstance(role, tuple) else (role, None)
                    await RoleAssignment.create(
                        company=company, employee=rows[local], role=name, department=scope
                    )
            for name, dept in {
                "root": root,
                "divA": div_a,
                "divB": div_b,
                "sales": sales,
                "plant": plant,
            }.items():
                ids[name] = encode("Department", dept.id)
            for local, row in rows.items():
                ids[local] = encode("Employee", row.id)
        return Sandbox(slug, ids, company.id)

    return factory
