"""Input checks shared by services. Each failure names the field it is about."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from server.errors import BadInput

_EMAIL = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_PHONE = re.compile(r"^\+?[0-9][0-9 -]{5,18}[0-9]$")
_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(@[A-Za-z0-9][A-Za-z0-9.-]*)?$")
_EMPLOYEE_NUMBER = re.compile(r"^[A-Za-z0-9-]{1,32}$")
EARLIEST_HIRE_DATE = date(1950, 1, 1)


def text(value: str | None, field: str, *, max_length: int = 100, required: bool = True) -> str:
    cleaned = (value or "").strip()
    if required and not _visible(cleaned):
        raise BadInput("required", field=field)
    if len(cleaned) > max_length:
        raise BadInput("too_long", field=field, max=max_length)
    if any(unicodedata.category(ch) == "Cc" for ch in cleaned):
        raise BadInput("invalid_format", field=field, hint="control characters are not allowed")
    return cleaned


def _visible(value: str) -> bool:
    """Does the text show anything? Zero-width and other format characters alone do not."""
    return any(not ch.isspace() and unicodedata.category(ch) != "Cf" for ch in value)


def email(value: str, field: str = "email") -> str:
    cleaned = text(value, field, max_length=254, required=False)
    if cleaned and not _EMAIL.match(cleaned):
        raise BadInput(
            "invalid_format", field=field, hint="expected an address like name@example.com"
        )
    return cleaned


def phone(value: str, field: str = "phone") -> str:
    cleaned = text(value, field, max_length=32, required=False)
    if cleaned and not _PHONE.match(cleaned):
        raise BadInput("invalid_format", field=field, hint="digits, optionally starting with +")
    return cleaned


def username(value: str, tenant: str, field: str = "username") -> str:
    """A sign-in name inside the company's namespace: ``name@<company slug>``.

    Sign-in names are unique across companies; keeping each company to its own suffix means
    one company can neither take another's names nor learn which exist. A bare name gets the
    suffix added. Case-insensitive, as people type them.
    """
    cleaned = text(value, field, max_length=100).lower()
    local, at, domain = cleaned.partition("@")
    if not at:
        cleaned, domain = f"{cleaned}@{tenant}", tenant
    if len(local) < 2 or len(cleaned) > 100 or not _USERNAME.match(cleaned):
        raise BadInput(
            "invalid_format",
            field=field,
            hint="2 or more letters, digits, '.', '_' or '-', then @company (100 at most)",
        )
    if domain != tenant:
        raise BadInput("username_domain", field=field, tenant=tenant)
    return cleaned


def employee_number(value: str, field: str = "employeeNumber") -> str:
    cleaned = text(value, field, max_length=32)
    if not _EMPLOYEE_NUMBER.match(cleaned):
        raise BadInput("invalid_format", field=field, hint="letters, digits and '-' only")
    return cleaned


def hire_date(value: date | None, field: str = "hireDate") -> date | None:
    if value is None:
        return None
    latest = datetime.now(UTC).date() + timedelta(days=366)
    if not EARLIEST_HIRE_DATE <= value <= latest:
        raise BadInput(
            "date_range", field=field, min=EARLIEST_HIRE_DATE.isoformat(), max=latest.isoformat()
        )
    return value


def password(value: str, minimum: int, field: str = "password") -> str:
    if len(value) < minimum:
        raise BadInput("password_weak", field=field, min=minimum)
    if len(value) > 256:
        raise BadInput("too_long", field=field, max=256)
    return value


def number(value: Decimal | int | str, field: str, *, places: int, maximum: Decimal) -> Decimal:
    """A finite decimal within ±maximum with at most ``places`` decimal places.

    NaN, infinities and absurd magnitudes are refused here, at the edge, so that no
    comparison or database write downstream ever meets them. The checks use only
    ``adjusted()`` and ``as_tuple()``, which need no decimal context: ``abs()``, comparisons
    or ``normalize()`` on ``1e999999999`` would raise ``decimal.Overflow`` before any check.
    The value returned is plain (no exponent, no trailing zeros) and small enough for
    ordinary arithmetic.
    """
    try:
        result = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise BadInput("invalid_format", field=field, hint="a number") from exc
    out_of_range = BadInput(
        "invalid_format", field=field, hint=f"a number between -{maximum:f} and {maximum:f}"
    )
    if not result.is_finite():
        raise out_of_range
    if result.is_zero():
        return Decimal(0)  # also drops the sign and exponent of -0E-999999999
    if result.adjusted() > maximum.adjusted():
        raise out_of_range
    sign, digits, exponent = result.as_tuple()
    if not isinstance(exponent, int):  # only NaN and infinities have a letter here
        raise out_of_range
    kept = len(digits)
    while digits[kept - 1] == 0:  # the value is not zero, so this stops
        kept -= 1
    exponent += len(digits) - kept
    if -exponent > places:
        raise BadInput("invalid_format", field=field, hint=f"at most {places} decimal places")
    plain = Decimal((sign, digits[:kept] + (0,) * max(exponent, 0), min(exponent, 0)))
    if abs(plain) > maximum:
        raise out_of_range
    return plain
