"""Tortoise models. ``MODEL_MODULES`` is what the ORM loads."""

from __future__ import annotations

from server.models.access import RoleAssignment, Session
from server.models.audit import AuditEntry
from server.models.org import Company, Department, Employee

MODEL_MODULES = ["server.models.org", "server.models.access", "server.models.audit"]

__all__ = [
    "MODEL_MODULES",
    "AuditEntry",
    "Company",
    "Department",
    "Employee",
    "RoleAssignment",
    "Session",
]
