"""Every GraphQL example in README.md and docs/ is valid against the schema, so docs cannot drift.

Examples are taken from ```graphql blocks, from the JSON bodies of curl commands in shell
blocks, and from inline code that is plainly a GraphQL document (``{ policyStatus { … } }``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from graphql import parse, validate

from schema import build_schema

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]

_FENCE = re.compile(r"^[ \t]*```(\w*)[ \t]*\n(.*?)^[ \t]*```", re.MULTILINE | re.DOTALL)
_CURL_BODY = re.compile(r"-d\s+'(\{.*?\})'", re.DOTALL)
_INLINE = re.compile(r"`((?:query|mutation|subscription)\b[^`]*\}|\{ [a-z][^`\"]*\})`")


def _examples() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        name = str(path.relative_to(ROOT))
        for lang, body in _FENCE.findall(text):
            if lang == "graphql":
                found.append((name, body))
            elif lang in ("sh", "bash", "shell"):
                for raw in _CURL_BODY.findall(body.replace("\\\n", " ")):
                    found.append((name, json.loads(raw)["query"]))
        without_fences = _FENCE.sub("", text)
        found.extend((name, inline) for inline in _INLINE.findall(without_fences))
    return found


EXAMPLES = _examples()


def test_the_docs_have_examples_to_check() -> None:
    names = {name for name, _ in EXAMPLES}
    assert {"README.md", "docs/connectors.md", "docs/policies.md"} <= names, names
    assert len(EXAMPLES) >= 8


@pytest.mark.parametrize(
    ("doc", "document"), EXAMPLES, ids=[f"{n}#{i}" for i, (n, _) in enumerate(EXAMPLES)]
)
def test_example_is_valid_against_the_schema(doc: str, document: str) -> None:
    schema = build_schema()._schema
    errors = validate(schema, parse(document))
    assert not errors, f"{doc}: {[e.message for e in errors]}\n{document}"
