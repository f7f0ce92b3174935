"""node(id) resolves every kind of object, through the same visibility as the typed queries."""

from __future__ import annotations

from tests.schema.plans.planning import COMMENT, create

NODE = """query($id: ID!) { node(id: $id) { __typename id
  ... on Plan { name } ... on Template { name } ... on PlanComment { body }
  ... on AuditEntry { action } } }"""


async def test_node_resolves_plans_comments_templates_and_audit_entries(api, make_company) -> None:
    s = await make_company()
    other = await make_company()
    plan = await create(api, s)
    comment = await api.gql(COMMENT, {"id": plan["id"], "b": "目标偏高？"}, as_user=s.user("perf"))
    comment_id = comment["data"]["addPlanComment"]["id"]
    templates = await api.gql("{ templates { id name } }", as_user=s.user("perf"))
    template = templates["data"]["templates"][0]
    log = await api.gql(
        "{ auditLog(first: 1) { edges { node { id action } } } }", as_user=s.user("admin")
    )
    entry = log["data"]["auditLog"]["edges"][0]["node"]
    seen = {
        "Plan": (plan["id"], "name", plan["name"], s.user("perf")),
        "PlanComment": (comment_id, "body", "目标偏高？", s.user("perf")),
        "Template": (template["id"], "name", template["name"], s.user("perf")),
        "AuditEntry": (entry["id"], "action", entry["action"], s.user("admin")),
    }
    for type_name, (gid, field, value, user) in seen.items():
        found = await api.gql(NODE, {"id": gid}, as_user=user)
        assert found["data"]["node"]["__typename"] == type_name, found
        assert found["data"]["node"][field] == value
        # the same ID from another company, or for someone who may not read it: NOT_FOUND
        stranger = other.user("admin" if type_name == "AuditEntry" else "perf")
        for outsider in (stranger, s.user("staff")):
            hidden = await api.gql(NODE, {"id": gid}, as_user=outsider)
            if type_name == "Template" and outsider == s.user("staff"):
                continue  # everyone in the company reads the template library
            assert hidden["errors"][0]["extensions"]["code"] == "NOT_FOUND", (type_name, hidden)
            assert hidden["data"] is None
