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
