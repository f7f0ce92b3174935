"""The domain's fixed words, shared by models, policies, demo data and validation."""

from __future__ import annotations

ROLES = ("gm", "vp", "hr_vp", "perf_admin", "dept_manager", "employee", "admin")
# Roles held over the whole company; the others are held over a department subtree.
COMPANY_ROLES = frozenset({"gm", "hr_vp", "perf_admin", "admin", "employee"})
DEPARTMENT_ROLES = frozenset({"vp", "dept_manager"})

DEPARTMENT_KINDS = (
    "executive",
    "division",
    "sales",
    "marketing",
    "production",
    "quality",
    "rnd",
    "service",
    "hr",
    "finance",
    "procurement",
    "logistics",
    "it",
    "admin",
    "other",
)

# What the policy speaks of: object types with their actions, and the caller's relations.
OBJECT_ACTIONS: dict[str, frozenset[str]] = {
    "company": frozenset({"read", "update"}),
    "department": frozenset({"read", "read_inactive", "create", "update", "deactivate"}),
    "employee": frozenset(
        {
            "read",
            "read_personal",
            "read_inactive",
            "create",
            "update",
            "deactivate",
            "set_credentials",
        }
    ),
    "role_assignment": frozenset({"read", "assign", "revoke"}),
    "audit_entry": frozenset({"read"}),
    "policy": frozenset({"reload"}),
    "connector_config": frozenset({"read", "create", "update", "delete", "sync"}),
    "sync_run": frozenset({"read"}),
    "quarantine": frozenset({"read", "reprocess"}),
    "metric_fact": frozenset({"read"}),
    "template": frozenset({"read", "create", "update", "delete"}),
    "plan": frozenset(
        {
            "read",
            "read_published",
            "create",
            "update",
            "review_edit",
            "comment",
            "submit",
            "approve",
            "return",
            "redraft",
            "file",
            "acknowledge",
            "start_evaluation",
            "finalize",
            "close",
            "progress",
        }
    ),
}
RELATIONS = ("self", "team", "scope", "company")
