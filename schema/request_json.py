"""Decoding request JSON (HTTP bodies, GET parameters, websocket messages) safely.

Nesting deeper than ``MAX_JSON_DEPTH`` is refused before anything walks the value: code that
recurses over it (ours, graphql-core's) would otherwise exhaust the interpreter's recursion
limit, which surfaced as a 500. Real input nests under 10 levels (a plan: variables, input,
indicators, scoring, bands).

``refuse_request`` holds the checks every transport (HTTP POST and GET, websocket subscribe)
makes on a decoded request before anything parses it: the document's size, and text no field
may hold (NUL, lone UTF-16 surrogates).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

MAX_JSON_DEPTH = 64


class JSONTooDeepError(json.JSONDecodeError):
    """A JSONDecodeError, so websocket handlers refuse such a message as not JSON (4400)."""

    def __init__(self) -> None:
        super().__init__(f"JSON may be nested at most {MAX_JSON_DEPTH} levels deep", "", 0)


class JSONTooLargeError(json.JSONDecodeError):
    """Text over the size limit; over a websocket it closes the connection (4400) like bad JSON."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"JSON text may be at most {limit} bytes long", "", 0)


def decode_request_json(data: str | bytes, max_length: int | None = None) -> object:
    """``json.loads``, raising JSONTooDeepError for nesting deeper than MAX_JSON_DEPTH.

    With ``max_length``, text longer than that (bytes, or characters of a str) is refused
    unread: JSONTooLargeError.
    """
    if max_length is not None and len(data) > max_length:
        raise JSONTooLargeError(max_length)
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


# Characters no request text may hold. NUL: no field takes one and PostgreSQL cannot store
# it. A lone UTF-16 surrogate (JSON's "\ud800" without its pair; a valid pair decodes to one
# character outside this range): it is not Unicode, so encoding it to UTF-8 for the database,
# a hash or a log line raises deep inside a resolver, which surfaced as INTERNAL.
_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")
NUL = "nul"
SURROGATE = "surrogate"


def forbidden_text(value: object) -> str | None:
    """``NUL`` or ``SURROGATE`` if any string (key or value) in ``value`` holds one, else None."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found = _FORBIDDEN.search(item)
            if found:
                return NUL if found.group() == "\x00" else SURROGATE
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


@dataclass(frozen=True)
class Refusal:
    """Why a GraphQL request is refused at the edge: HTTP status, i18n key, its parameters."""

    status: int
    key: str
    params: dict[str, Any] = field(default_factory=dict)


def refuse_request(data: Mapping[str, Any], max_query_bytes: int) -> Refusal | None:
    """The edge checks every transport applies to a decoded request before parsing it.

    The document's size first (a padded one has few tokens, so the token limit never sees
    it), then characters no text may hold, anywhere in the request: query, variables, keys.
    """
    query = data.get("query")
    if isinstance(query, str):
        # Bytes, as on the wire; a str of n characters is at most 4n bytes of UTF-8.
        size = len(query) if len(query) * 4 <= max_query_bytes else utf8_size(query)
        if size > max_query_bytes:
            return Refusal(413, "query_too_large", {"size": size, "limit": max_query_bytes})
    problem = forbidden_text(data)
    # A GraphQL string literal can spell NUL as an escape, which graphql-core decodes.
    if problem == NUL or (isinstance(query, str) and "\\u0000" in query):
        return Refusal(400, "text_nul")
    if problem == SURROGATE:
        return Refusal(400, "text_surrogate")
    return None


def utf8_size(text: str) -> int:
    # surrogatepass: a lone surrogate must not raise here; it is refused right after.
    return len(text.encode("utf-8", "surrogatepass"))
