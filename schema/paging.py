"""Relay page info from a server page."""

from __future__ import annotations

from strawberry import relay


def page_info(cursors: list[str], has_next: bool) -> relay.PageInfo:
    return relay.PageInfo(
        has_next_page=has_next,
        has_previous_page=False,
        start_cursor=cursors[0] if cursors else None,
        end_cursor=cursors[-1] if cursors else None,
    )
