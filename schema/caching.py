"""Parse and validate each distinct query text once, not on every request.

Clients send the same few documents over and over (the apps ship them), so parsing and
validating them again is wasted work: strawberry's own LRU caches keep the results. Two
details make that work here:

* A document that fails to parse is not cached, and is left for strawberry's usual parse
  step, which reports the syntax error (or the token limit) through the normal error path.
  Raised from the caching hook, the same error would skip the error formatter.
* The validation cache is keyed by the rule classes, and strawberry's limiter extensions
  build new rule classes per instance, so the limits' rules are built once per schema.
* Documents longer than ``MAX_CACHED_QUERY_CHARS`` are parsed and validated every time, never
  cached: the apps' documents are far smaller, and a cached AST costs about twice its text,
  so distinct padded documents (up to ``JIXIAO_MAX_QUERY_BYTES`` each) would fill memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from graphql import GraphQLError
from graphql.validation import ASTValidationRule, ValidationContext
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)

from schema.cost import query_cost_rule

# Distinct documents kept; each is a few kilobytes of AST. Bounded so that a client sending
# endless unique queries only churns the cache.
CACHED_DOCUMENTS = 512
# Longer documents are not cached (the apps' largest is about 2,000 characters).
MAX_CACHED_QUERY_CHARS = 8_000


def cacheable(query: str | None) -> bool:
    return query is not None and len(query) <= MAX_CACHED_QUERY_CHARS


class DocumentCache(ParserCache):
    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query and cacheable(context.query):
            try:
                context.graphql_document = self.cached_parse_document(
                    context.query, **context.parse_options
                )
            except GraphQLError:
                context.graphql_document = None  # strawberry parses again and reports it
        yield


class DocumentValidationCache(ValidationCache):
    """Strawberry's validation cache, but documents too long to cache are validated afresh."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if cacheable(context.query):
            yield from super().on_validate()
            return
        # Imported here as strawberry's own cache does: strawberry.schema imports extensions.
        from strawberry.schema.schema import validate_document

        assert context.graphql_document is not None  # validation runs only after a parse
        context.pre_execution_errors = validate_document(
            context.schema._schema, context.graphql_document, context.validation_rules
        )
        yield


def _tolerate_unknown_fragments(rule: type[ASTValidationRule]) -> type[ASTValidationRule]:
    """Strawberry's depth rule raises KeyError on a spread of an undefined fragment.

    graphql-core's own KnownFragmentNamesRule reports that mistake cleanly in the same pass,
    so the depth rule just steps aside for such a document instead of crashing the request.
    """

    class TolerantRule(rule):  # type: ignore[valid-type,misc]
        def __init__(self, context: ValidationContext) -> None:
            try:
                super().__init__(context)
            except KeyError:
                ASTValidationRule.__init__(self, context)

    return TolerantRule


def limit_rules(max_depth: int, max_aliases: int, max_cost: int) -> list[type[ASTValidationRule]]:
    """The depth, alias and cost limits as validation rules, built once."""
    return [
        *map(_tolerate_unknown_fragments, QueryDepthLimiter(max_depth=max_depth).validation_rules),
        *MaxAliasesLimiter(max_alias_count=max_aliases).validation_rules,
        query_cost_rule(max_cost),
    ]


def cached_validation(
    rules: list[type[ASTValidationRule]],
) -> list[Callable[[], SchemaExtension]]:
    """Extensions, in order: parse from cache, add the limits, validate from cache."""
    return [
        lambda: DocumentCache(maxsize=CACHED_DOCUMENTS),
        lambda: AddValidationRules(rules),
        lambda: DocumentValidationCache(maxsize=CACHED_DOCUMENTS),
    ]
