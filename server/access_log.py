"""Uvicorn's access log, without query strings.

GraphQL over GET carries the whole document and its variables in the query string
(``/graphql?query=...&variables=...``), and uvicorn logs every request line as it came. A
client that sends a login (refused over GET, but logged all the same) or any argument worth
keeping private would leave it in the log. The path and the status stay; the query string
is replaced by ``?…``.
"""

from __future__ import annotations

import logging

ACCESS_LOGGER = "uvicorn.access"


class DropQueryStrings(logging.Filter):
    """Rewrites uvicorn's access records: ``(client, method, path?query, version, status)``."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            path, mark, _ = args[2].partition("?")
            if mark:
                record.args = (*args[:2], f"{path}?…", *args[3:])
        return True


def hide_query_strings() -> None:
    """Install the filter on uvicorn's access logger; its own logging setup keeps it."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, DropQueryStrings) for f in logger.filters):
        logger.addFilter(DropQueryStrings())
