"""Query cost: refuse, before anything runs, a request that could return too many objects.

Depth, alias and token limits bound the *shape* of a document, not its *size*: within depth
10 and 15 aliases, nested ``employees(first: 100)`` pages multiply to hundreds of thousands
of objects. The cost model follows saleor's ``query_cost_map`` (list fields multiply by
``first``/``last``) and graphql-armor's cost limit (a fixed price per object):

* every field returning an object costs 1, scalar and enum fields cost nothing;
* a list costs its expected length × (1 + what is selected inside each item). The length is
  the field's own ``first``/``last``; for a connection's ``edges``, the connection's
  ``first`` (its default page when omitted); for a plain list, ``LIST_ESTIMATES`` or
  ``DEFAULT_LIST_ESTIMATE``;
* fragments (named and inline) count where they are spread; ``@skip``/``@include`` are
  ignored, so the cost is an upper bound;
* ``__schema``/``__type`` cost ``INTROSPECTION_COST``: they read no data, only the schema,
  and the alias limit bounds how often they can be repeated.

Where it runs: as a validation rule, so its verdict is cached with the rest of validation
(the rule class is built once per schema, or the validation cache would never hit). A
validation rule sees no variables, and its cached verdict must not depend on them, so when a
page size is a variable the rule does not decide: ``QueryCostWithVariables`` computes the
cost per request with the coerced variables. Charging the maximum page for every variable
instead would be cacheable, but would refuse ordinary queries that nest two connections with
small ``$first`` values, and a cached refusal would be wrong for the next caller's variables.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
    VariableNode,
    get_named_type,
    get_nullable_type,
    get_operation_ast,
    is_composite_type,
    is_list_type,
)
from graphql.execution.values import get_variable_values
from graphql.language import ValueNode
from graphql.validation import ASTValidationRule
from strawberry.extensions import SchemaExtension

from server.errors import BadInput
from server.paging import MAX_PAGE

PAGE_ARGUMENTS = ("first", "last")
INTROSPECTION_COST = 1
# A plain list (no paging arguments) not listed below: a guess, not a bound.
DEFAULT_LIST_ESTIMATE = 50
# Expected lengths of plain lists, keyed "Type.field": a typical company, not a hard cap.
LIST_ESTIMATES: dict[str, int] = {
    # Org: a company's departments, a department's sub-departments, a person's roles.
    "Query.departments": 100,
    "Query.planProgress": 100,  # one row per department
    "Department.children": 10,
    "Employee.roles": 5,
    # Plans: about one per department and period, with a handful of indicators each.
    "Query.plans": 50,
    "Query.templates": 20,
    "Query.planVersionDiff": 50,
    "DepartmentPlanProgress.plans": 5,
    "Template.indicators": 10,
    "Plan.indicators": 10,
    "PlanVersion.indicators": 10,
    # Assignments: a person's handful of indicators, his few plans a year.
    "Assignment.indicators": 10,
    "Query.myAssignments": 10,
    "Scoring.bands": 5,
    "Plan.departments": 5,
    "Plan.versions": 20,
    "Plan.approvals": 5,
    "Plan.transitions": 20,
    "Plan.comments": 50,
    # Connectors: the installed plugins and what they describe.
    "Query.connectors": 10,
    "Query.pluginFailures": 10,
    "Query.connectorConfigs": 20,
    "Connector.metrics": 10,
    "Connector.configFields": 10,
    "Query.metricFacts": 100,
    # Actuals: a handful of changes per value (entries, syncs, notes, overrides).
    "Actual.history": 10,
    # Scores: a handful of indicators each, a frozen version per correction.
    "Score.indicators": 10,
    "Score.versions": 3,
    "ScoreVersion.indicators": 10,
    "Query.myScores": 20,
    # Evaluations: one item per indicator of the person's assignment.
    "Evaluation.items": 10,
    # Calibration: a plan's few sessions, a handful of grades and rules, the divisions and
    # departments of a scope.
    "Query.calibrationSessions": 10,
    "Query.calibrationChanges": 50,
    "CalibrationGuideline.rules": 5,
    "CalibrationDistribution.divisions": 10,
    "CalibrationDistribution.departments": 50,
    "DistributionGroup.grades": 5,
}


_INTROSPECTION = frozenset(("__schema", "__type"))
_WITH_FIELDS = (GraphQLObjectType, GraphQLInterfaceType)


class VariablePageSize(Exception):
    """A page size is a variable, which validation cannot see: decided per request."""


class QueryCost:
    """The cost of one operation. ``variables=None`` means "validation time"."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any] | None = None,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        # A fragment's cost depends only on the page size it is spread under, so each is
        # walked once: a fragment spread many times cannot make the walk exponential.
        self._memo: dict[tuple[str, int | None], int] = {}
        self._entered: set[str] = set()

    def operation(self, operation: OperationDefinitionNode) -> int:
        root = self.schema.get_root_type(operation.operation)
        return 0 if root is None else self._selections(operation.selection_set, root, None)

    def _selections(
        self, selection_set: SelectionSetNode, parent: GraphQLNamedType, page: int | None
    ) -> int:
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self._field(selection, parent, page)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                if inner is not None and is_composite_type(inner):
                    total += self._selections(selection.selection_set, inner, page)
            elif isinstance(selection, FragmentSpreadNode):
                total += self._fragment(selection.name.value, page)
        return total

    def _fragment(self, name: str, page: int | None) -> int:
        key = (name, page)
        if key in self._memo:
            return self._memo[key]
        definition = self.fragments.get(name)
        # Unknown and cyclic fragments are refused by graphql-core's own rules, which run in
        # the same pass as this one, so this walk still meets them: count them as nothing.
        if definition is None or name in self._entered:
            return 0
        inner = self.schema.get_type(definition.type_condition.name.value)
        if inner is None or not is_composite_type(inner):
            return 0
        self._entered.add(name)
        try:
            cost = self._selections(definition.selection_set, inner, page)
        finally:
            self._entered.discard(name)
        self._memo[key] = cost
        return cost

    def _field(self, node: FieldNode, parent: GraphQLNamedType, page: int | None) -> int:
        if node.selection_set is None:
            return 0  # a scalar or an enum
        name = node.name.value
        if name in _INTROSPECTION:
            return INTROSPECTION_COST
        if not isinstance(parent, _WITH_FIELDS):
            return 0  # a union: only __typename can be selected on it
        definition = parent.fields.get(name)  # None: unknown, refused by another rule
        if definition is None:
            return 0
        item = get_named_type(definition.type)
        if not is_composite_type(item):
            return 0
        size = self._page_size(definition, node)
        if is_list_type(get_nullable_type(definition.type)):
            if size is not None:
                count = size
            elif page is not None:  # the edges of a connection
                count = page
            else:
                count = LIST_ESTIMATES.get(f"{parent.name}.{name}", DEFAULT_LIST_ESTIMATE)
            inner_page = None
        else:
            count, inner_page = 1, size  # a connection: its page sizes its edges
        return count * (1 + self._selections(node.selection_set, item, inner_page))

    def _page_size(self, definition: GraphQLField, node: FieldNode) -> int | None:
        sizes = [
            self._argument(definition, node, name)
            for name in PAGE_ARGUMENTS
            if name in definition.args
        ]
        return max(sizes) if sizes else None

    def _argument(self, definition: GraphQLField, node: FieldNode, name: str) -> int:
        value: ValueNode | None = next(
            (a.value for a in node.arguments or () if a.name.value == name), None
        )
        default = definition.args[name].default_value
        if isinstance(value, VariableNode):
            if self.variables is None:
                raise VariablePageSize
            # Coerced values hold the operation's defaults; an absent one takes the field's.
            found = self.variables.get(value.name.value, default)
        elif isinstance(value, IntValueNode):
            found = int(value.value)
        elif value is None:
            found = default
        else:
            found = None  # not an Int: refused by validation
        if isinstance(found, int) and not isinstance(found, bool):
            return max(found, 0)
        return MAX_PAGE  # no usable size (an explicit null, no default): the largest page


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


def over_budget(cost: int, budget: int, node: OperationDefinitionNode) -> GraphQLError:
    """The refusal: English here; the error formatter translates it by its key."""
    return GraphQLError(
        f"This query could return up to {cost:,} objects, more than the {budget:,} allowed "
        "per request.",
        node,
        original_error=BadInput("query_cost", cost=cost, max=budget),
        extensions={"cost": cost, "maximumCost": budget},
    )


def query_cost_rule(budget: int) -> type[ASTValidationRule]:
    """The validation rule for ``budget``: build it once per schema (the cache keys on it)."""

    class QueryCostRule(ValidationRule):
        def enter_document(self, node: DocumentNode, *_args: Any) -> Any:
            fragments = _fragments(node)
            for definition in node.definitions:
                if isinstance(definition, OperationDefinitionNode):
                    try:
                        cost = QueryCost(self.context.schema, fragments).operation(definition)
                    except VariablePageSize:
                        continue  # QueryCostWithVariables decides, per request
                    if cost > budget:
                        self.report_error(over_budget(cost, budget, definition))
            return self.SKIP  # the document is walked above; nothing else to visit

    return QueryCostRule


class QueryCostWithVariables(SchemaExtension):
    """The cost of an operation whose page sizes are variables, with this request's values.

    List it after the validation cache: it acts only on a document validation accepted.
    """

    def __init__(self, budget: int) -> None:
        self.budget = budget

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and not context.pre_execution_errors:
            operation = get_operation_ast(document, context.operation_name)
            if operation is not None and operation.variable_definitions:
                error = self._check(context.schema._schema, document, operation, context.variables)
                if error is not None:
                    context.pre_execution_errors = [error]  # a new list: the cached one is shared
        yield

    def _check(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        variables: dict[str, Any] | None,
    ) -> GraphQLError | None:
        fragments = _fragments(document)
        try:
            QueryCost(schema, fragments).operation(operation)
            return None  # no page size is a variable: the validation rule has decided
        except VariablePageSize:
            pass
        inputs = variables if isinstance(variables, dict) else {}
        coerced = get_variable_values(
            schema, operation.variable_definitions or (), inputs, max_errors=1
        )
        if isinstance(coerced, list):
            return None  # bad variables: execution refuses them with graphql-core's own errors
        cost = QueryCost(schema, fragments, coerced.coerced).operation(operation)
        return over_budget(cost, self.budget, operation) if cost > self.budget else None
