"""Declared on fields: the caller must be signed in (the finer checks live in server.authz)."""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission
from strawberry.types import Info


class IsAuthenticated(BasePermission):
    message = "Please sign in first."
    error_extensions = {"code": "UNAUTHENTICATED", "reason": "UNAUTHENTICATED"}  # noqa: RUF012 - strawberry's own attribute

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        _ = (
            info.context.actor
        )  # raises the translated UNAUTHENTICATED error when nobody is signed in
        return True


# Typed as the base class: strawberry's parameter is an (invariant) list of BasePermission.
AUTH: list[type[BasePermission]] = [IsAuthenticated]
