"""Decoding request JSON (HTTP bodies, GET parameters, websocket messages) safely.

Nesting deeper than ``MAX_JSON_DEPTH`` is refused before anything walks the value: code that
recurses over it (ours, graphql-core's) would otherwise exhaust the interpreter's recursion
limit, which surfaced as a 500. Real input nests under 10 levels (a plan: variables, input,
indicators, scoring, bands).
"""

from __future__ import annotations

import json
from typing import Any

MAX_JSON_DEPTH = 64


class JSONTooDeepError(json.JSONDecodeError):
    """A JSONDecodeError, so websocket handlers refuse such a message as not JSON (4400)."""

    def __init__(self) -> None:
        super().__init__(f"JSON may be nested at most {MAX_JSON_DEPTH} levels deep", "", 0)


def decode_request_json(data: str | bytes) -> object:
    """``json.loads``, raising JSONTooDeepError for nesting deeper than MAX_JSON_DEPTH."""
    try:
        value = json.loads(data)
    except RecursionError as exc:  # far deeper still: the parser itself gave up
        raise JSONTooDeepError from exc
    if nesting_exceeds(value, MAX_JSON_DEPTH):
        raise JSONTooDeepError
    return value


def nesting_exceeds(value: object, limit: int) -> bool:
    """Are arrays and objects in ``value`` nested more than ``limit`` deep?"""
    # Loops rather than recursion here and below: no request value can exhaust the stack.
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def has_nul(value: object) -> bool:
    """Does any string (key or value) in ``value`` contain a NUL character?"""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False
