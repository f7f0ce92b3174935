"""A document with several operations runs only the one named by ``operationName``.

Strawberry, given no name, picks the document's first operation (``ExecutionContext.
operation_name`` falls back to it), so ``mutation B { logout } query A { me { name } }`` would
sign the caller out. The GraphQL spec (GetOperation) requires an error instead; it is
reported here like a validation error, for every transport, before anything runs.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError, OperationDefinitionNode
from strawberry.extensions import SchemaExtension

# graphql-core's own wording for the same rule.
MESSAGE = "Must provide operation name if query contains multiple operations."


class RequireOperationName(SchemaExtension):
    """Refuse a multi-operation document without ``operationName``.

    List it after the validation cache: this hook then sees the validation result and adds
    its error only to a document that is otherwise valid (an invalid one is refused anyway).
    Setting the errors here, before strawberry's own validation step, also skips that step.
    """

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        # The name the client sent: the public ``operation_name`` is the fallback guess this
        # extension exists to stop. A strawberry upgrade renaming it fails the tests loudly.
        provided = context._provided_operation_name
        if document is not None and provided is None and not context.pre_execution_errors:
            operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
            if len(operations) > 1:
                context.pre_execution_errors = [GraphQLError(MESSAGE)]
        yield
