"""The server log: client mistakes are quiet and keep no secrets; bugs are loud, once.

Every logger is captured at DEBUG, so a password that reached any log record (its message,
its arguments, its traceback, the formatted line) is found, whoever logged it.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

import pytest

from schema.ids import encode

PASSWORD = "S3cret-known-value"
FORMATTER = logging.Formatter("%(levelname)s %(name)s: %(message)s")


def texts(record: logging.LogRecord) -> list[str]:
    """Everything of a record that could end up in a log file."""
    return [
        record.getMessage(),
        repr(record.args),
        record.exc_text or "",
        FORMATTER.format(record),
    ]


def assert_quiet_client_error(caplog: pytest.LogCaptureFixture, *secrets: str) -> None:
    """No record at ERROR or above, none with a traceback, none holding a secret."""
    for record in caplog.records:
        assert record.levelno < logging.ERROR, FORMATTER.format(record)
        assert not record.exc_info, FORMATTER.format(record)
        for text in texts(record):
            for secret in secrets:
                assert secret not in text, (record.name, text)


@pytest.fixture
def debug_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)  # the root logger: every logger that propagates
    return caplog


async def test_failed_login_with_an_inline_password(api, debug_log) -> None:
    # The README's own example, with a wrong password written into the document.
    query = (
        f'mutation {{ login(username: "x@demo", password: "{PASSWORD}") '
        "{ accessToken refreshToken } }"
    )
    answer = await api.gql(query)
    assert answer["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert_quiet_client_error(debug_log, PASSWORD)


async def test_failed_login_with_variables(api, debug_log) -> None:
    query = (
        "mutation SignIn($u: String!, $p: String!) "
        "{ login(username: $u, password: $p) { accessToken } }"
    )
    answer = await api.gql(query, {"u": "gm@demo", "p": PASSWORD})
    assert answer["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert_quiet_client_error(debug_log, PASSWORD)


async def test_a_password_in_an_invalid_document(api, debug_log) -> None:
    # Unquoted, the password is a syntax error's token or a validation error's value: those
    # messages quote it, so they must not reach the log either.
    for query in (
        'mutation { login(username: "x@demo", password: S3cretUnquoted) { accessToken } }',
        'mutation { login(username: "x@demo", password: 4711234567) { accessToken } }',
        'mutation { login(username: "x@demo", password: "S3cretUnquoted) { accessToken } }',
        'mutation { login(username: "x@demo" password: S3cretUnquoted { accessToken } }',
    ):
        answer = await api.gql(query)
        assert answer["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", answer
    answer = await api.gql(
        'mutation($p: String!) { login(username: "x@demo", password: $p) { accessToken } }',
        {"p": 4711234567},
    )
    assert answer["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", answer
    assert_quiet_client_error(debug_log, "S3cretUnquoted", "4711234567")


async def test_not_found_and_validation_errors_are_quiet(api, debug_log) -> None:
    marker = "queryTextMarker"
    missing = await api.gql(
        f"query {marker}($id: ID!) {{ employee(id: $id) {{ name }} }}",
        {"id": encode("Employee", uuid.uuid4())},
        as_user="gm@demo",
    )
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    invalid = await api.gql(f"{{ {marker}: me {{ nam }} }}", as_user="gm@demo")
    assert invalid["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    forbidden = await api.gql("mutation { reloadPolicies { version } }", as_user="gm@demo")
    assert forbidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    anonymous = await api.gql("{ me { name } }")
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    # Only the operation's name may be logged, never its text.
    assert_quiet_client_error(debug_log, "nam }", "employee(id:", "reloadPolicies {")


async def test_client_errors_are_logged_at_debug_with_the_request_id(api, debug_log) -> None:
    response = await api.post(
        "query Mine { me { nam } }",
        token=await api.token("gm@demo"),
        headers={"X-Request-ID": "client-err-1"},
    )
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    ours = [r for r in debug_log.records if r.name == "jixiao.errors"]
    assert len(ours) == 1, [FORMATTER.format(r) for r in ours]
    assert ours[0].levelno == logging.DEBUG
    line = ours[0].getMessage()
    assert "client-err-1" in line and "BAD_USER_INPUT" in line
    assert "query Mine" in line
    assert "nam" not in line.replace("Mine", "")


async def test_an_unexpected_error_is_logged_once_at_error(api, debug_log, monkeypatch) -> None:
    from server.services import employees

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the disk is on fire")

    monkeypatch.setattr(employees, "get_employee", broken)
    response = await api.post(
        "query WhoAmI { me { name } } # queryTextMarker",
        token=await api.token("gm@demo"),
        headers={"X-Request-ID": "unexpected-1"},
    )
    error = response.json()["errors"][0]
    assert error["extensions"] == {
        "code": "INTERNAL",
        "reason": "INTERNAL",
        "requestId": "unexpected-1",
    }
    loud = [r for r in debug_log.records if r.levelno >= logging.ERROR]
    assert len(loud) == 1, [FORMATTER.format(r) for r in loud]
    record = loud[0]
    assert record.name == "jixiao.errors"
    assert record.exc_info and "the disk is on fire" in FORMATTER.format(record)
    assert "unexpected-1" in record.getMessage()
    assert "query WhoAmI" in record.getMessage()
    for logged in debug_log.records:
        assert "queryTextMarker" not in FORMATTER.format(logged)
