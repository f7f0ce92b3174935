"""Full introspection, as GraphiQL and client generators send it, answers without errors.

It answered INTERNAL (and logged two tracebacks per GraphiQL page load) because of
``JSON! = {}`` defaults graphql-core cannot turn into a literal; Python ``gql`` with
``fetch_schema_from_transport=True`` failed outright.
"""

from __future__ import annotations

import inspect
import logging

from graphql import build_client_schema, get_introspection_query


def every_option() -> dict[str, bool]:
    """Every boolean option of the installed graphql-core's ``get_introspection_query``, on."""
    parameters = inspect.signature(get_introspection_query).parameters.values()
    options = {p.name: True for p in parameters if isinstance(p.default, bool)}
    assert {"descriptions", "specified_by_url", "input_value_deprecation"} <= options.keys()
    return options


async def test_full_introspection_over_http(api, caplog) -> None:
    query = get_introspection_query(**every_option())
    with caplog.at_level(logging.INFO):
        response = await api.client.post(
            "/graphql", json={"query": query, "operationName": "IntrospectionQuery"}
        )
    assert response.status_code == 200, response.text[:500]
    payload = response.json()
    assert "errors" not in payload, payload["errors"]
    schema = build_client_schema(payload["data"])
    assert schema.query_type is not None and "me" in schema.query_type.fields
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_connector_config_input_still_takes_settings_and_secrets(api) -> None:
    # The fields lost their `= {}` defaults: omitted they still mean none.
    query = get_introspection_query(**every_option())
    data = (await api.client.post("/graphql", json={"query": query})).json()["data"]
    schema = build_client_schema(data)
    fields = schema.get_type("CreateConnectorConfigInput").fields  # type: ignore[union-attr]
    assert str(fields["settings"].type) == "JSON" and str(fields["secrets"].type) == "JSON"
