"""The template library is seeded once per company, when the company is created (and at
start-up for older companies), by insert-or-ignore on a unique key: never by a read."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

from server.db import using
from server.models import Company, Template
from server.plans.templates import SEEDS, seed_all_companies, seed_templates
from server.runtime import start_runtime
from server.services.company import create_company
from server.settings import Settings

TEMPLATES = "{ templates { id name } }"


async def test_concurrent_first_reads_see_one_copy_of_each_template(api, make_company) -> None:
    s = await make_company()
    token = await api.token(s.user("perf"))
    answers = await asyncio.gather(*(api.gql(TEMPLATES, token=token) for _ in range(5)))
    for answer in answers:
        assert "errors" not in answer, answer
        names = Counter(t["name"] for t in answer["data"]["templates"])
        assert names == Counter({seed["name"]: 1 for seed in SEEDS})
    with using(api.runtime.db):
        company = await Company.get(slug=s.slug)
        assert await Template.filter(company_id=company.id).count() == len(SEEDS)


async def test_creating_a_company_seeds_it_once_and_reads_never_write(api, db) -> None:
    company = await create_company(slug=f"s{uuid.uuid4().hex[:8]}", name="Seeded Co.")
    rows = await Template.filter(company_id=company.id).values_list("seed_key", flat=True)
    assert sorted(rows) == sorted(seed["key"] for seed in SEEDS)
    # Seeding again, even many times at once, inserts nothing (the unique key decides).
    await asyncio.gather(*(seed_templates([company.id]) for _ in range(5)))
    assert await Template.filter(company_id=company.id).count() == len(SEEDS)


async def test_start_up_seeds_older_companies_once_and_keeps_deletions(api, db) -> None:
    older = await Company.create(slug=f"o{uuid.uuid4().hex[:8]}", name="Made before seeding")
    assert not await Template.exists(company_id=older.id)
    seeded = await create_company(slug=f"d{uuid.uuid4().hex[:8]}", name="Deleted one")
    gone = await Template.get(company_id=seeded.id, seed_key="sales_okr")
    gone.is_active = False  # what deleteTemplate does
    await gone.save(update_fields=["is_active"])

    # A second server process starting on the same database seeds at start-up.
    settings = Settings(
        database_url=api.runtime.settings.database_url,
        policy_dir=api.runtime.settings.policy_dir,
        policy_watch_seconds=0,
    )
    other = await start_runtime(settings, watch_policies=False, connection_name=api.backend)
    await other.close()
    with using(api.runtime.db):
        await asyncio.gather(*(seed_all_companies() for _ in range(3)))
        assert await Template.filter(company_id=older.id).count() == len(SEEDS)
        assert await Template.filter(company_id=seeded.id).count() == len(SEEDS)
        assert not (await Template.get(id=gone.id)).is_active  # a deletion stays deleted
