"""Keyset pagination: opaque cursors over a (sort key, id) order, pages capped at 100."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Generic, TypeVar
from uuid import UUID

from tortoise.expressions import Q

from server.errors import BadInput

MAX_PAGE = 100
T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: list[T]
    cursors: list[str]
    has_next: bool


def encode_cursor(key: str, row_id: UUID) -> str:
    raw = json.dumps([key, str(row_id)], ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, UUID]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key, row_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        return str(key), UUID(row_id)
    except (ValueError, TypeError) as exc:
        raise BadInput("bad_cursor", field="after") from exc


def check_first(first: int) -> int:
    if not 0 <= first <= MAX_PAGE:
        raise BadInput("page_size", field="first", max=MAX_PAGE)
    return first


def after_filter(key_field: str, cursor: str | None) -> Q | None:
    """Rows strictly after the cursor in (key_field, id) order."""
    if cursor is None:
        return None
    key, row_id = decode_cursor(cursor)
    return Q(**{f"{key_field}__gt": key}) | Q(**{key_field: key, "id__gt": row_id})
