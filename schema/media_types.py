"""Media types of GraphQL over HTTP: parsing ``Content-Type`` and negotiating ``Accept``."""

from __future__ import annotations

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
APPLICATION_JSON = "application/json"


def parse_media_type(value: str) -> tuple[str, dict[str, str]]:
    """``"Application/JSON; charset=UTF-8"`` -> ``("application/json", {"charset": "UTF-8"})``."""
    media_type, *raw_params = value.split(";")
    params: dict[str, str] = {}
    for raw in raw_params:
        name, sep, param = raw.partition("=")
        if sep:
            params[name.strip().lower()] = param.strip().strip('"')
    return media_type.strip().lower(), params


def negotiate_media_type(accept: str | None) -> str:
    """The response media type for an ``Accept`` header (RFC 9110 q-values and wildcards).

    ``application/graphql-response+json`` only when the client ranks it above (or names it
    as explicitly as) ``application/json``; ``application/json`` for ``*/*``,
    ``application/*``, a missing header or one that accepts neither (the spec allows
    ignoring such an ``Accept`` and answering with the default type instead of a 406).
    """
    if not accept or not accept.strip():
        return APPLICATION_JSON
    # candidate -> (q, specificity) of the most specific range that matches it
    ranked: dict[str, tuple[float, int]] = {}
    for media_range in accept.split(","):
        media_type, params = parse_media_type(media_range)
        try:
            quality = float(params.get("q", "1"))
        except ValueError:
            quality = 0.0
        for candidate in (GRAPHQL_RESPONSE_JSON, APPLICATION_JSON):
            if media_type == candidate:
                specificity = 2
            elif media_type in ("application/*", "*/*", "*"):
                specificity = 1 if media_type == "application/*" else 0
            else:
                continue
            if candidate not in ranked or specificity > ranked[candidate][1]:
                ranked[candidate] = (quality, specificity)
    acceptable = {candidate: rank for candidate, rank in ranked.items() if rank[0] > 0}
    if not acceptable:
        return APPLICATION_JSON
    best = max(acceptable.values())
    winners = [candidate for candidate, rank in acceptable.items() if rank == best]
    # Named explicitly with equal q: the client understands the newer type, prefer it.
    # Tied through a wildcard: application/json, which every client understands.
    if GRAPHQL_RESPONSE_JSON in winners and (len(winners) == 1 or best[1] == 2):
        return GRAPHQL_RESPONSE_JSON
    return APPLICATION_JSON
