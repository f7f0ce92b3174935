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
    for name, mask in (
        ("phone", mask_phone),
        ("email", mask_email),
        ("employee_number", mask_employee_number),
    ):
        value = masked.get(name)
        if isinstance(value, str):
            masked[name] = mask(value)
    if "hire_date" in masked:
        raw = masked["hire_date"]
        if isinstance(raw, str):
            raw = date.fromisoformat(raw)
        masked["hire_date"] = mask_hire_date(raw if isinstance(raw, date) else None)
    masked.pop("password_hash", None)
    masked.pop("password", None)
    return masked
