"""Parse and validate each distinct query text once, not on every request.

Clients send the same few documents over and over (the apps ship them), so parsing and
validating them again is wasted work: strawberry's own LRU caches keep the results. Two
details make that work here:

* A document that fails to parse is not cached, and is left for strawberry's usual parse
  step, which reports the syntax error (or the token limit) through the normal error path.
  Raised from the caching hook, the same error would skip the error formatter.
* The validation cache is keyed by the rule classes, and strawberry's limiter extensions
  build new rule classes per instance, so the limits' rules are built once per schema.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from graphql import GraphQLError
from graphql.validation import ASTValidationRule
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)

# Distinct documents kept; each is a few kilobytes of AST. Bounded so that a client sending
# endless unique queries only churns the cache.
CACHED_DOCUMENTS = 512


class DocumentCache(ParserCache):
    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query:
            try:
                context.graphql_document = self.cached_parse_document(
                    context.query, **context.parse_options
                )
            except GraphQLError:
                context.graphql_document = None  # strawberry parses again and reports it
        yield


def limit_rules(max_depth: int, max_aliases: int) -> list[type[ASTValidationRule]]:
    """The depth and alias limits as validation rules, built once."""
    return [
        *QueryDepthLimiter(max_depth=max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=max_aliases).validation_rules,
    ]


def cached_validation(
    rules: list[type[ASTValidationRule]],
) -> list[Callable[[], SchemaExtension]]:
    """Extensions, in order: parse from cache, add the limits, validate from cache."""
    return [
        lambda: DocumentCache(maxsize=CACHED_DOCUMENTS),
        lambda: AddValidationRules(rules),
        lambda: ValidationCache(maxsize=CACHED_DOCUMENTS),
    ]
