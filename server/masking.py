"""Masking of personal data for people who may not see it (and for the audit log)."""

from __future__ import annotations

from datetime import date

PERSONAL_FIELDS = ("phone", "email", "employee_number", "hire_date")


def mask_phone(value: str) -> str:
    digits = value.strip()
    if len(digits) <= 4:
        return "*" * len(digits)
    keep_head = 3 if len(digits) >= 11 else 1
    return digits[:keep_head] + "*" * (len(digits) - keep_head - 4) + digits[-4:]


def mask_email(value: str) -> str:
    local, at, domain = value.partition("@")
    if not at:
        return "***"
    return f"{local[:1]}***@{domain}"


def mask_employee_number(value: str) -> str:
    return value[:1] + "*" * max(len(value) - 1, 0)


def mask_hire_date(value: date | None) -> str | None:
    return None if value is None else f"{value.year}-**-**"


def mask_personal(data: dict[str, object]) -> dict[str, object]:
    """A copy of an object's field dict with personal fields masked (for the audit log)."""
    masked = dict(data)
    if isinstance(masked.get("phone"), str):
        masked["phone"] = mask_phone(masked["phone"])  # type: ignore[arg-type]
    if isinstance(masked.get("email"), str):
        masked["email"] = mask_email(masked["email"])  # type: ignore[arg-type]
    if isinstance(masked.get("employee_number"), str):
        masked["employee_number"] = mask_employee_number(masked["employee_number"])  # type: ignore[arg-type]
    if "hire_date" in masked:
        raw = masked["hire_date"]
        masked["hire_date"] = mask_hire_date(
            date.fromisoformat(raw) if isinstance(raw, str) else raw
        )  # type: ignore[arg-type]
    masked.pop("password_hash", None)
    masked.pop("password", None)
    return masked
