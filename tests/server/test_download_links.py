"""Signed download links: short-lived, bound to who asked, re-checked at download time.

Through the real app: a link from ``actualsSheetLink`` downloads; an expired one is 410; a
tampered one, an access token, or a link signed with the access tokens' key is 403; a
download token is no access token; a role revoked after signing closes the link; signing out
closes it too; the token never reaches the access log.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import socket
from datetime import UTC, datetime, timedelta
from uuid import UUID

import httpx
import jwt
import pytest
import uvicorn

from schema.app import create_app
from schema.downloads import content_disposition
from schema.ids import decode
from server.access_log import ACCESS_LOGGER
from server.authz import Caller
from server.errors import Forbidden
from server.models import Employee, RoleAssignment
from server.reports import links
from server.reports.vocabulary import DownloadKind
from server.services.auth import JWT_ALGORITHM
from tests.schema.results.support import active_plan

LINK = """query($p: ID!, $d: ID!) { actualsSheetLink(planId: $p, departmentId: $d) {
  url expiresAt } }"""
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _link(api, sandbox, plan: dict, user: str = "mgr", lang: str = "en") -> dict:
    found = await api.gql(
        LINK,
        {"p": plan["id"], "d": sandbox.ids["sales"]},
        as_user=sandbox.user(user),
        lang=lang,
    )
    assert "errors" not in found, found
    return found["data"]["actualsSheetLink"]


def _token(url: str) -> str:
    return url.rsplit("/", 1)[1]


async def test_a_link_downloads_the_file_for_five_minutes(api, make_company) -> None:
    sandbox = await make_company()
    plan = await active_plan(api, sandbox)
    before = datetime.now(UTC)
    link = await _link(api, sandbox, plan)
    assert link["url"].startswith("http://test/downloads/")
    expires = datetime.fromisoformat(link["expiresAt"])
    assert timedelta(minutes=4) < expires - before <= timedelta(minutes=5, seconds=1)
    got = await api.client.get(link["url"])  # no Authorization header: the link is enough
    assert got.status_code == 200, got.text
    assert got.headers["content-type"] == XLSX
    assert got.headers["cache-control"] == "no-store, private"
    assert got.headers["referrer-policy"] == "no-referrer"
    disposition = got.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="')
    assert "filename*=UTF-8''%E9%94%80%E5%94%AE%E4%B8%80%E9%83%A8" in disposition  # 销售一部
    assert got.content.startswith(b"PK")

    # Without a right to record actuals there, no link is signed at all.
    refused = await api.gql(
        LINK, {"p": plan["id"], "d": sandbox.ids["sales"]}, as_user=sandbox.user("worker")
    )
    assert refused["errors"][0]["extensions"]["code"] in {"FORBIDDEN", "NOT_FOUND"}


async def test_expired_tampered_and_foreign_tokens_are_refused(api, make_company, db) -> None:
    sandbox = await make_company()
    plan = await active_plan(api, sandbox)
    secret = api.runtime.settings.secret_key
    token = await api.token(sandbox.user("mgr"))
    caller = await api.runtime.auth.caller_from_token(token)
    params = {"plan": str(decode(plan["id"], "Plan")), "department": str(caller.department_id)}

    # expired: signed with a past expiry
    past = datetime.now(UTC) - timedelta(minutes=10)
    old = links.sign(secret, caller, DownloadKind.ACTUALS_SHEET, params, "zh", now=past)
    expired = await api.client.get(old.path, headers={"Accept-Language": "zh"})
    assert expired.status_code == 410
    assert expired.json() == {
        "error": {
            "code": "FORBIDDEN",
            "reason": "LINK_EXPIRED",
            "message": "下载链接已过期，请重新获取链接。",
        }
    }

    good = links.sign(secret, caller, DownloadKind.ACTUALS_SHEET, params, "en")
    assert (await api.client.get(good.path)).status_code == 200
    # tampered: another department in the payload, the signature left as it was
    header, payload, signature = good.token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["prm"]["department"] = str(decode(sandbox.ids["plant"], "Department"))
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    tampered = await api.client.get(f"/downloads/{header}.{forged}.{signature}")
    assert tampered.status_code == 403
    assert tampered.json()["error"]["reason"] == "LINK_INVALID"
    assert "Traceback" not in tampered.text

    # another purpose: an access token is no download link, and the same claims signed
    # with the access tokens' key are not one either
    assert (await api.client.get(f"/downloads/{token}")).status_code == 403
    foreign = jwt.encode(
        {**claims, "exp": datetime.now(UTC) + timedelta(minutes=5)}, secret, JWT_ALGORITHM
    )
    assert (await api.client.get(f"/downloads/{foreign}")).status_code == 403
    for junk in ("x", "a.b.c", "é" * 10, "x" * 5000):
        refused = await api.client.get(f"/downloads/{junk}")
        assert refused.status_code == 403, junk
        assert refused.json()["error"]["reason"] == "LINK_INVALID"

    # and a download link is no access token
    me = await api.post("query Me { me { name } }", token=good.token)
    assert me.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_the_download_checks_the_roles_held_then(api, make_company, db) -> None:
    sandbox = await make_company()
    plan = await active_plan(api, sandbox)
    link = await _link(api, sandbox, plan)
    mgr = await Employee.get(username=sandbox.user("mgr"))
    await RoleAssignment.filter(employee_id=mgr.id, role="dept_manager").delete()
    revoked = await api.client.get(link["url"], headers={"Accept-Language": "zh"})
    assert revoked.status_code == 403
    assert revoked.json()["error"]["reason"] == "FORBIDDEN"
    assert revoked.json()["error"]["message"].startswith("您的角色无权")

    # signing out closes the links of that session
    perf_link = await _link(api, sandbox, plan, user="perf")
    logout = await api.post("mutation Out { logout }", token=await api.token(sandbox.user("perf")))
    assert "errors" not in logout.json(), logout.json()
    api.tokens.pop(sandbox.user("perf"))
    closed = await api.client.get(perf_link["url"])
    assert closed.status_code == 403
    assert closed.json()["error"]["reason"] == "LINK_INVALID"


async def test_links_of_one_company_name_its_employee(api, make_company, db) -> None:
    """A link names the company and the employee: another company's employee id inside a
    validly signed link (as if a key leaked) finds nobody."""
    sandbox, other = await make_company(), await make_company()
    plan = await active_plan(api, sandbox)
    caller = await api.runtime.auth.caller_from_token(await api.token(sandbox.user("perf")))
    stranger = await Employee.get(username=other.user("perf"))
    params = {"plan": str(decode(plan["id"], "Plan")), "department": str(caller.department_id)}
    mixed = type(caller)(
        employee_id=stranger.id,
        company_id=caller.company_id,
        tenant=caller.tenant,
        department_id=caller.department_id,
        session_id=caller.session_id,
        assignments=(),
    )
    link = links.sign(
        api.runtime.settings.secret_key, mixed, DownloadKind.ACTUALS_SHEET, params, "en"
    )
    assert (await api.client.get(link.path)).status_code == 403


def test_content_disposition_names_chinese_files_per_rfc_5987() -> None:
    header = content_disposition('销售一部-"12月"/计划.xlsx', inline=False)
    assert header == (
        "attachment; filename=\"12.xlsx\"; filename*=UTF-8''"
        "%E9%94%80%E5%94%AE%E4%B8%80%E9%83%A8-_12%E6%9C%88_%E8%AE%A1%E5%88%92.xlsx"
    )
    assert content_disposition("report.html", inline=True) == (
        "inline; filename=\"report.html\"; filename*=UTF-8''report.html"
    )
    assert "\r" not in content_disposition("a\r\nSet-Cookie: x.html", inline=True)


def test_links_expire_by_default_after_five_minutes() -> None:
    assert links.LINK_MINUTES == 5
    caller = Caller(UUID(int=1), UUID(int=2), "t", UUID(int=3), UUID(int=4), ())
    link = links.sign("k" * 32, caller, DownloadKind.REPORT_HTML, {"employee": "e"}, "zh")
    claims = links.verify("k" * 32, link.token)
    assert timedelta(minutes=4) < claims.expires_at - datetime.now(UTC) <= timedelta(minutes=5)
    assert (claims.employee_id, claims.company_id, claims.session_id) == (
        UUID(int=1),
        UUID(int=2),
        UUID(int=4),
    )
    assert (claims.kind, claims.lang, dict(claims.params)) == (
        DownloadKind.REPORT_HTML,
        "zh",
        {"employee": "e"},
    )
    # another server's secret: not a link of this one
    with pytest.raises(Forbidden) as refused:
        links.verify("z" * 32, link.token)
    assert refused.value.key == "link_invalid"


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


async def test_the_token_never_reaches_the_access_log(api, make_company) -> None:
    sandbox = await make_company()
    plan = await active_plan(api, sandbox)
    link = await _link(api, sandbox, plan)
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    listening.listen()
    port = listening.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(runtime=api.runtime), lifespan="off"))
    collect = Collect()
    logging.getLogger(ACCESS_LOGGER).addHandler(collect)
    task = asyncio.create_task(server.serve(sockets=[listening]))
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            fetched = await client.get(f"/downloads/{_token(link['url'])}")
            refused = await client.get("/downloads/not-a-token")
    finally:
        server.should_exit = True
        await task
        listening.close()
        logging.getLogger(ACCESS_LOGGER).removeHandler(collect)
    assert (fetched.status_code, refused.status_code) == (200, 403)
    assert len(collect.lines) == 2, collect.lines
    assert all('"GET /downloads/… HTTP/1.1"' in line for line in collect.lines), collect.lines
    assert not any(_token(link["url"]) in line or "not-a-token" in line for line in collect.lines)
