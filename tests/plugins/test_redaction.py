"""No connector secret reaches a response, a stored run or quarantine row, or the log.

A loopback source that misbehaves the way real ones do (404, 400, 429, persistent 5xx)
and quotes back what it was sent: the URL with the key in its query, the Authorization
header. Every response of testConnection and of a sync, every SyncRun and quarantine row,
and every log record of every logger is searched for the secret values.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from aiohttp import web

from server.sync.redact import Redactor
from tests.plugins.loopback import serve
from tests.plugins.syncing import CREATE, FAST, QUARANTINE, RUN, SYNC, finished

QUERY_KEY = "qk7Hs9xQ2pLmZ"  # auth: api_key_query
BEARER = "bt4Fv8Lw1RnYc"  # auth: bearer
ERP_SECRET = "es2Jd6Kp9TqWb"  # ERPNext token key:secret header
WECOM_SECRET = "ws5Gh3Mn8VxZa"  # WeCom corpsecret, sent in gettoken's query
SECRETS = (QUERY_KEY, BEARER, ERP_SECRET, WECOM_SECRET)
TEST = "mutation($id: ID!) { testConnection(id: $id) { ok message } }"


def leaky_source() -> web.Application:
    """Each path answers its status and quotes the request back, as careless APIs do."""

    def quoted(request: web.Request) -> str:
        return f"{request.url} auth={request.headers.get('Authorization', '')}"

    async def status(request: web.Request) -> web.StreamResponse:
        code = int(request.match_info["code"])
        headers = {"Retry-After": "0"} if code == 429 else {}
        return web.json_response(
            {"error": f"cannot serve {quoted(request)}", "exception": quoted(request)},
            status=code,
            headers=headers,
        )

    async def records(request: web.Request) -> web.Response:
        # A record whose value is the request itself: it is quarantined with a reason
        # quoting that value.
        item = {"id": "q1", "owner": "T0007", "day": "2026-11-02", "amount": quoted(request)}
        return web.json_response({"data": [item]})

    app = web.Application()
    app.router.add_get("/s/{code}/{rest:.*}", status)
    app.router.add_get("/records", records)
    return app


def configs(url: str) -> list[dict[str, Any]]:
    rest = {
        "employee_field": "owner",
        "date_field": "day",
        "metrics_map": {"sales.revenue": "amount"},
    }
    made = [
        {
            "connector": "rest_sales",
            "name": f"query key {code}",
            "settings": {
                "base_url": f"{url}/s/{code}",
                "path": "/deals",
                "auth": "api_key_query",
                "api_key_name": "api_key",
                **rest,
            },
            "secrets": {"token": QUERY_KEY},
        }
        for code in (404, 400, 429, 500)
    ]
    made.append(
        {
            "connector": "rest_sales",
            "name": "bearer 400",
            "settings": {"base_url": f"{url}/s/400", "auth": "bearer", **rest},
            "secrets": {"token": BEARER},
        }
    )
    made.append(
        {
            "connector": "rest_sales",
            "name": "query key, quarantined echo",
            "settings": {
                "base_url": url,
                "path": "/records",
                "auth": "api_key_query",
                "api_key_name": "api_key",
                **rest,
            },
            "secrets": {"token": QUERY_KEY},
        }
    )
    for code in (404, 400, 500):
        made.append(
            {
                "connector": "erpnext",
                "name": f"erpnext {code}",
                "settings": {"base_url": f"{url}/s/{code}", "api_key": "integration"},
                "secrets": {"api_secret": ERP_SECRET},
            }
        )
        made.append(
            {
                "connector": "wecom_checkin",
                "name": f"wecom {code}",
                "settings": {"base_url": f"{url}/s/{code}", "corp_id": "ww1", "user_ids": ["a"]},
                "secrets": {"corp_secret": WECOM_SECRET},
            }
        )
    return made


def logged(caplog: pytest.LogCaptureFixture) -> str:
    """Every record of every logger, message and traceback (exc_info) alike."""
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(formatter.format(record) for record in caplog.records) + caplog.text


async def test_no_secret_in_responses_runs_quarantine_or_log(
    api, make_company, caplog, monkeypatch
) -> None:
    caplog.set_level(logging.DEBUG)  # the root logger: every logger's records
    monkeypatch.setattr(api.runtime.engine, "policy", FAST)
    sandbox = await make_company()
    admin, perf = sandbox.user("admin"), sandbox.user("perf")
    bodies: list[str] = []
    run_ids: list[str] = []

    async def call(query: str, variables: dict[str, Any], user: str) -> dict[str, Any]:
        response = await api.post(query, variables, token=await api.token(user))
        bodies.append(response.text)
        return response.json()

    async with serve(leaky_source()) as url:
        for data in configs(url):
            created = await call(CREATE, {"i": data}, admin)
            assert "errors" not in created, created
            config_id = created["data"]["createConnectorConfig"]["id"]
            tested = await call(TEST, {"id": config_id}, perf)  # the performance admin
            result = tested["data"]["testConnection"]
            echo = data["name"].startswith("query key, q")  # answers 200, quarantined later
            assert result["ok"] is echo and (echo or result["message"]), (data["name"], tested)
            started = await call(SYNC, {"c": config_id, "s": "2026-11-01", "e": "2026-11-30"}, perf)
            run_id = started["data"]["syncConnector"]["id"]
            run_ids.append(run_id)
            await finished(api, sandbox, run_id, "perf")
            run = (await call(RUN, {"id": run_id}, perf))["data"]["syncRun"]
            assert run["status"] == ("SUCCEEDED" if echo else "FAILED"), (data["name"], run)
            await call(QUARANTINE, {"c": config_id}, perf)
            await call(
                "query($c: ID!) { quarantine(configId: $c) { edges { node { payload value } } } }",
                {"c": config_id},
                perf,
            )
    with api.runtime.db:
        from server.models import QuarantinedRecord, SyncRun

        rows = await SyncRun.filter(company__slug=sandbox.slug).values()
        quarantined = await QuarantinedRecord.filter(company__slug=sandbox.slug).values()
    assert len(rows) == len(run_ids) == len(configs("x"))
    assert quarantined, "the echoing record must have been quarantined"
    everything = "\n".join(bodies) + str(rows) + str(quarantined) + logged(caplog)
    # The messages are still useful: status and where, without the query string.
    assert "HTTP 404 Not Found from 127.0.0.1/s/404/deals" in everything
    for secret in SECRETS:
        assert secret not in everything, secret


def test_redactor_removes_secret_forms_urls_credentials_and_pairs() -> None:
    redact = Redactor.of({"token": "p@ss w/rd+1", "nested": {"other": ["s3cr3t-two"]}})
    text = redact(
        "GET https://bob:hunter2@crm.example.com/api?key=p%40ss%20w%2Frd%2B1#frag failed; "
        'body echoed p@ss w/rd+1 and "p@ss w/rd+1" and s3cr3t-two; '
        "GET /v1/deals?api_key=zzz; Authorization: token abc:def; Bearer eyJhbGciOi.x.y; "
        '{"access_token": "tok123"} corpsecret=abc123'
    )
    for leaked in ("p@ss", "s3cr3t-two", "hunter2", "bob:", "zzz", "abc:def", "eyJhb", "tok123"):
        assert leaked not in text, (leaked, text)
    assert "https://crm.example.com/api?[redacted]" in text
    assert "/v1/deals?[redacted]" in text
    # Ordinary prose is left alone.
    assert redact("why? auth 'bearer' needs a token") == "why? auth 'bearer' needs a token"


def test_quarantine_text_is_redacted_before_it_is_cut_to_size() -> None:
    from datetime import date
    from uuid import uuid4

    from plugins.contract import Period, Record
    from server.sync.checks import RecordCheck, Rejected

    check = RecordCheck(
        frozenset({"m"}),
        {"e1": uuid4()},
        Period(date(2026, 11, 1), date(2026, 11, 30)),
        "employee_number",
        Redactor([QUERY_KEY]),
    )
    # The secret straddles the 300-character cut of the reason and the 200 of the value.
    padding = "x" * 260
    record = Record(
        "e1",
        "m",
        date(2026, 11, 2),
        "y" * 190 + QUERY_KEY,
        "s1",
        raw={"_error": padding + QUERY_KEY},
    )
    verdict = check.check(record)
    assert isinstance(verdict, Rejected)
    text = verdict.reason + verdict.value + str(verdict.payload)
    assert not any(QUERY_KEY[:n] in text for n in range(4, len(QUERY_KEY) + 1)), text
