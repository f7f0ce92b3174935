"""Closed sets are GraphQL enums: the schema, server/vocabulary.py and the docs agree.

Every field or argument named for a closed set (state, level, role, kind, …) has an enum type;
each enum of the vocabulary is in the schema under its Python name with its members' names;
the docs list the values. Through the real app, enums go in and come out as upper-case names
while the database keeps the lower-case words.
"""

from __future__ import annotations

import re
from enum import StrEnum

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLObjectType,
    get_named_type,
)

from schema import build_schema
from server import vocabulary
from server.settings import PROJECT_ROOT
from tests.schema.plans.planning import create, plan_input

ENUMS: list[type[StrEnum]] = [
    value
    for value in vars(vocabulary).values()
    if isinstance(value, type) and issubclass(value, StrEnum) and value is not StrEnum
]
# Field and argument names that always hold a value of a closed set.
CLOSED = {
    "role",
    "kind",
    "state",
    "level",
    "periodKind",
    "direction",
    "basis",
    "matchBy",
    "framework",
    "departmentKind",
    "status",
    "trigger",
    "aggregation",
    "stage",
    "fromState",
    "toState",
    "waitingOn",
    "type",
    "action",
    "objectType",
    "reasonCode",
    "field",
}
# Named like one, but open.
OPEN: set[tuple[str, str]] = {
    # a row error's input path, as extensions.field gives it (rows[3].overrides[0].weight)
    ("AssignmentRowError", "field"),
    ("RejectedActualRow", "field"),
    ("RejectedBonusBase", "field"),
    # a reminder rule's own step (due_in_3_days, overdue...): each rule names its stages
    ("Notification", "stage"),
    # an interval's confidence level (0.95), a number
    ("ScoreInterval", "level"),
}
DOCS = {
    "docs/api.md": {
        "Role",
        "DepartmentKind",
        "AuditAction",
        "AuditObjectType",
        "QuarantineReason",
        "PlanField",
    },
    "docs/plans.md": {
        "PlanState",
        "PlanStep",
        "PlanLevel",
        "PeriodKind",
        "Framework",
        "Direction",
        "ScoringKind",
        "BandBasis",
        "PlanChangeKind",
        "PlanEventKind",
        "Role",
        "DepartmentKind",
    },
    "docs/connectors.md": {
        "MatchBy",
        "SyncStatus",
        "SyncTrigger",
        "ConnectorKind",
        "Aggregation",
        "ConfigFieldType",
        "PluginStage",
    },
}


def test_every_closed_set_field_is_an_enum() -> None:
    schema = build_schema()._schema
    strings = []
    for type_ in schema.type_map.values():
        if type_.name.startswith("__") or not isinstance(
            type_, GraphQLObjectType | GraphQLInputObjectType
        ):
            continue
        for name, field in type_.fields.items():
            places = [(name, field.type)]
            places += [(arg, a.type) for arg, a in getattr(field, "args", {}).items()]
            for place, kind in places:
                closed = place in CLOSED and (type_.name, place) not in OPEN
                if closed and not isinstance(get_named_type(kind), GraphQLEnumType):
                    strings.append(f"{type_.name}.{name}({place})")
    assert strings == []


def test_the_vocabulary_is_in_the_schema_as_it_is() -> None:
    schema = build_schema()._schema
    assert len(ENUMS) >= 22
    for enum in ENUMS:
        found = schema.type_map.get(enum.__name__)
        assert isinstance(found, GraphQLEnumType), enum.__name__
        assert list(found.values) == [m.name for m in enum]
        # upper-case names for lower-case stored words: one spelling rule for every enum
        # (an audit action's `object.verb` dot is an underscore, as no name can hold a dot)
        assert all(m.name == m.value.upper().replace(".", "_") for m in enum), enum.__name__
        assert found.description


def test_the_docs_list_every_enum_with_its_values() -> None:
    for path, names in DOCS.items():
        text = (PROJECT_ROOT / path).read_text(encoding="utf-8").split("## Enums", 1)[1]
        rows = dict(re.findall(r"^\| `(\w+)` \| ([^|]+) \|", text, re.MULTILINE))
        assert set(rows) == names, path
        for name in names:
            enum = getattr(vocabulary, name)
            assert re.findall(r"`(\w+)`", rows[name]) == [m.name for m in enum], (path, name)
    documented = set().union(*DOCS.values())
    assert documented == {e.__name__ for e in ENUMS}


async def test_enums_in_and_out_of_a_plan(api, make_company, db) -> None:
    from server.models import Plan as PlanRow

    sandbox = await make_company()
    plan = await create(api, sandbox, periodKind="QUARTER", periodStart="2026-10-01")
    read = await api.gql(
        """query($id: ID!) { plan(id: $id) { level periodKind state
          indicators { direction scoring { kind } } } }""",
        {"id": plan["id"]},
        as_user=sandbox.user("perf"),
    )
    found = read["data"]["plan"]
    assert (found["level"], found["periodKind"], found["state"]) == (
        "DEPARTMENT",
        "QUARTER",
        "DRAFT",
    )
    assert [i["direction"] for i in found["indicators"]] == ["HIGHER", "LOWER"]
    assert {i["scoring"]["kind"] for i in found["indicators"]} == {"RATIO"}
    rows = await PlanRow.filter(name=plan["name"], company__slug=sandbox.slug).values(
        "level", "period_kind", "state"
    )
    assert rows == [{"level": "department", "period_kind": "quarter", "state": "draft"}]

    # the stored words are no longer accepted as input
    wrong = await api.gql(
        "mutation($i: CreatePlanInput!) { createPlan(input: $i) { id } }",
        {"i": plan_input([sandbox.ids["plant"]], level="department")},
        as_user=sandbox.user("perf"),
    )
    assert wrong["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    listed = await api.gql(
        "{ plans(state: DRAFT) { state } templates(departmentKind: SALES) { departmentKind } }",
        as_user=sandbox.user("perf"),
    )
    assert {p["state"] for p in listed["data"]["plans"]} == {"DRAFT"}
    assert {t["departmentKind"] for t in listed["data"]["templates"]} == {"SALES"}


async def test_enums_of_the_org_chart(api, make_company) -> None:
    sandbox = await make_company()
    created = await api.gql(
        """mutation($p: ID!) { createDepartment(input: {name: "质检部", parentId: $p,
          kind: QUALITY}) { kind } }""",
        {"p": sandbox.ids["divB"]},
        as_user=sandbox.user("admin"),
    )
    assert created["data"]["createDepartment"]["kind"] == "QUALITY", created
    assigned = await api.gql(
        """mutation($e: ID!, $d: ID) { assignRole(input: {employeeId: $e, role: DEPT_MANAGER,
          departmentId: $d}) { role } }""",
        {"e": sandbox.ids["staff"], "d": sandbox.ids["sales"]},
        as_user=sandbox.user("admin"),
    )
    assert assigned["data"]["assignRole"]["role"] == "DEPT_MANAGER", assigned
