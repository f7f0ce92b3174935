"""schema/schema.graphql is the printed SDL: any API change shows up in review."""

from __future__ import annotations

from pathlib import Path

from schema import build_schema

SDL_FILE = Path(__file__).resolve().parents[2] / "schema" / "schema.graphql"


def test_committed_sdl_matches_the_code() -> None:
    printed = build_schema().as_str() + "\n"
    committed = SDL_FILE.read_text(encoding="utf-8") if SDL_FILE.exists() else ""
    assert committed == printed, (
        "schema/schema.graphql is stale; regenerate it with "
        '`python -c "from schema import build_schema; print(build_schema().as_str())" > schema/schema.graphql`'
    )
