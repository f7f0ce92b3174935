"""Updates: a null clears what may be empty and is refused for what may not; nothing is
ever silently ignored."""

from __future__ import annotations

from tests.schema.test_org_mutations import UPDATE_DEPT

UPDATE_EMP = """mutation($id: ID!, $i: UpdateEmployeeInput!) { updateEmployee(id: $id, input: $i) {
  title phone hireDate } }"""


def error(result: dict) -> dict:
    return result["errors"][0]["extensions"]


async def test_null_clears_optional_employee_fields(api, make_company) -> None:
    sandbox = await make_company()
    admin, staff = sandbox.user("hrvp"), sandbox.ids["staff"]
    dated = await api.gql(UPDATE_EMP, {"id": staff, "i": {"hireDate": "2021-05-01"}}, as_user=admin)
    assert dated["data"]["updateEmployee"]["hireDate"] == "2021-05-01"
    cleared = await api.gql(
        UPDATE_EMP,
        {"id": staff, "i": {"title": None, "phone": None, "hireDate": None}},
        as_user=admin,
    )
    assert cleared["data"]["updateEmployee"] == {"title": "", "phone": "", "hireDate": None}


async def test_null_is_refused_for_required_fields(api, make_company) -> None:
    sandbox = await make_company()
    admin = sandbox.user("admin")
    for field in ("name", "username", "employeeNumber", "departmentId"):
        result = await api.gql(
            UPDATE_EMP, {"id": sandbox.ids["staff"], "i": {field: None}}, as_user=admin
        )
        assert error(result) == {"code": "BAD_USER_INPUT", "reason": "REQUIRED", "field": field}, (
            result
        )
    for field in ("name", "kind", "parentId"):
        result = await api.gql(
            UPDATE_DEPT, {"id": sandbox.ids["sales"], "i": {field: None}}, as_user=admin
        )
        assert error(result) == {"code": "BAD_USER_INPUT", "reason": "REQUIRED", "field": field}, (
            result
        )
    empty = await api.gql(UPDATE_DEPT, {"id": sandbox.ids["sales"], "i": {}}, as_user=admin)
    assert error(empty) == {"code": "BAD_USER_INPUT", "reason": "NOTHING_TO_UPDATE"}
    assert empty["errors"][0]["message"] == "Give at least one field to change."
