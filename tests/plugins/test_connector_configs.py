"""Connector configurations: validation, write-only secrets, roles, tenants, audit."""

from __future__ import annotations

import logging

import pytest

from tests.plugins.syncing import CREATE, configure

CONFIGS = "{ connectorConfigs { id name settings secretsSet } }"
UPDATE = """mutation($id: ID!, $i: UpdateConnectorConfigInput!) { updateConnectorConfig(id: $id, input: $i) {
  settings secretsSet enabled scheduleMinutes } }"""


async def test_secrets_are_write_only_and_never_logged_or_audited(
    api, make_company, sample, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    sandbox = await make_company()
    admin = sandbox.user("admin")
    config_id = await configure(api, sandbox, "http://127.0.0.1:9")
    listed = await api.gql(CONFIGS, as_user=admin)
    assert listed["data"]["connectorConfigs"] == [
        {
            "id": config_id,
            "name": "打卡机",
            "settings": {"base_url": "http://127.0.0.1:9"},
            "secretsSet": ["token"],
        }
    ]
    changed = await api.gql(
        UPDATE,
        {"id": config_id, "i": {"secrets": {"token": "n3w-s3cret"}, "scheduleMinutes": 60}},
        as_user=admin,
    )
    assert changed["data"]["updateConnectorConfig"]["secretsSet"] == ["token"]
    tested = await api.gql(
        "mutation($id: ID!) { testConnection(id: $id) { ok message } }",
        {"id": config_id},
        as_user=admin,
    )
    assert (
        tested["data"]["testConnection"]["ok"] is False
        and tested["data"]["testConnection"]["message"]
    )
    audit = await api.gql(
        "{ auditLog(first: 20, objectType: CONNECTOR_CONFIG) { edges { node { action before after } } } }",
        as_user=admin,
    )
    everything = str(listed) + str(changed) + str(tested) + str(audit) + caplog.text
    assert "s3cret-token" not in everything and "n3w-s3cret" not in everything
    actions = [e["node"]["action"] for e in audit["data"]["auditLog"]["edges"]]
    assert actions == [
        "CONNECTOR_CONFIG_TEST",
        "CONNECTOR_CONFIG_UPDATE",
        "CONNECTOR_CONFIG_CREATE",
    ]
    with api.runtime.db:
        from server.models import ConnectorConfig

        row = await ConnectorConfig.get(name="打卡机", company__slug=sandbox.slug)
    assert "s3cret" not in row.sealed_secrets and api.runtime.engine.box.open(
        row.sealed_secrets
    ) == {"token": "n3w-s3cret"}


@pytest.mark.parametrize(
    ("settings", "secrets", "field", "reason"),
    [
        ({}, {"token": "x"}, "settings.base_url", "REQUIRED"),
        ({"base_url": "ftp://x"}, {"token": "x"}, "settings.base_url", "INVALID_FORMAT"),
        ({"base_url": "http://x", "token": "x"}, {}, "settings.token", "INVALID_FORMAT"),
        ({"base_url": "http://x"}, {}, "secrets.token", "REQUIRED"),
        (
            {"base_url": "http://x", "colour": "red"},
            {"token": "x"},
            "settings.colour",
            "INVALID_FORMAT",
        ),
        (
            {"base_url": "http://x", "mode": "wild"},
            {"token": "x"},
            "settings.mode",
            "INVALID_FORMAT",
        ),
        ({"base_url": 5}, {"token": "x"}, "settings.base_url", "INVALID_FORMAT"),
    ],
)
async def test_config_validation(
    api, make_company, sample, settings, secrets, field, reason
) -> None:
    sandbox = await make_company()
    result = await api.gql(
        CREATE,
        {"i": {"connector": "sample_paged", "name": "x", "settings": settings, "secrets": secrets}},
        as_user=sandbox.user("admin"),
    )
    assert result["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "reason": reason,
        "field": field,
    }


async def test_unknown_connector_and_bad_options(api, make_company, sample) -> None:
    sandbox = await make_company()
    unknown = await api.gql(
        CREATE, {"i": {"connector": "nope", "name": "x"}}, as_user=sandbox.user("admin")
    )
    assert unknown["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "reason": "INVALID_FORMAT",
        "field": "connector",
    }
    config = {
        "connector": "sample_paged",
        "name": "x",
        "settings": {"base_url": "http://x"},
        "secrets": {"token": "t"},
    }
    match = await api.gql(
        CREATE, {"i": {**config, "matchBy": "SHOE_SIZE"}}, as_user=sandbox.user("admin")
    )
    # matchBy is an enum: GraphQL refuses an unknown one before the service sees it
    assert match["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "reason": "INVALID_QUERY"}
    often = await api.gql(
        CREATE, {"i": {**config, "scheduleMinutes": 1}}, as_user=sandbox.user("admin")
    )
    assert often["errors"][0]["extensions"]["field"] == "scheduleMinutes"
    assert "errors" not in await api.gql(CREATE, {"i": config}, as_user=sandbox.user("admin"))
    twice = await api.gql(CREATE, {"i": config}, as_user=sandbox.user("admin"))
    assert twice["errors"][0]["extensions"]["code"] == "CONFLICT"


async def test_roles_and_tenants(api, make_company, sample) -> None:
    mine, other = await make_company(), await make_company()
    config_id = await configure(api, mine, "http://127.0.0.1:9")
    staff = await api.gql(CONFIGS, as_user=mine.user("staff"))
    assert staff["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    perf = await api.gql(CONFIGS, as_user=mine.user("perf"))
    assert [c["id"] for c in perf["data"]["connectorConfigs"]] == [config_id]
    perf_edit = await api.gql(
        UPDATE, {"id": config_id, "i": {"enabled": False}}, as_user=mine.user("perf")
    )
    assert perf_edit["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    for query in (
        UPDATE,
        "mutation($id: ID!) { deleteConnectorConfig(id: $id) }",
        "query($id: ID!) { connectorConfig(id: $id) { name } }",
    ):
        variables = (
            {"id": config_id, "i": {"enabled": False}} if "$i" in query else {"id": config_id}
        )
        foreign = await api.gql(query, variables, as_user=other.user("admin"))
        assert foreign["errors"][0]["extensions"]["code"] == "NOT_FOUND", query
    assert (await api.gql(CONFIGS, as_user=other.user("admin")))["data"]["connectorConfigs"] == []


async def test_installed_connectors_are_listed(api, make_company) -> None:
    sandbox = await make_company()
    result = await api.gql(
        "{ connectors { name kind version plugin metrics { key aggregation } "
        "configFields { name secret required } } pluginFailures { plugin } }",
        as_user=sandbox.user("admin"),
    )
    connectors = {c["name"]: c for c in result["data"]["connectors"]}
    assert {"wecom_checkin", "timeclock_file", "rest_sales", "rest_production", "erpnext"} <= set(
        connectors
    )
    assert result["data"]["pluginFailures"] == []
    for connector in connectors.values():
        assert connector["metrics"] and connector["version"]
        assert all(f["name"] for f in connector["configFields"])
