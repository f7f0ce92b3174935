"""Sign-in, tokens, throttling and sign-out through the real app."""

from __future__ import annotations

import asyncio

import jwt
import pytest

from server.demo.load import DEMO_PASSWORD

LOGIN = """mutation($u: String!, $p: String!) {
  login(username: $u, password: $p) { accessToken refreshToken accessTokenExpiresAt user { username name } }
}"""
REFRESH = "mutation($t: String!) { refresh(refreshToken: $t) { accessToken refreshToken } }"


async def login(api, username: str, password: str = DEMO_PASSWORD) -> dict:
    return await api.gql(LOGIN, {"u": username, "p": password})


async def test_login_returns_tokens_and_user(api) -> None:
    result = await login(api, "hrvp@demo")
    payload = result["data"]["login"]
    assert payload["user"]["username"] == "hrvp@demo"
    claims = jwt.decode(payload["accessToken"], options={"verify_signature": False})
    assert claims["typ"] == "access" and claims["exp"] - claims["iat"] == 15 * 60
    me = await api.gql("{ me { username } }", token=payload["accessToken"])
    assert me["data"]["me"]["username"] == "hrvp@demo"


async def test_wrong_password_and_unknown_user_look_the_same(api) -> None:
    wrong = await login(api, "perf@demo", "not-the-password")
    unknown = await login(api, "nobody@demo", "not-the-password")
    assert wrong["errors"][0]["message"] == unknown["errors"][0]["message"]
    assert (
        wrong["errors"][0]["extensions"]
        == unknown["errors"][0]["extensions"]
        == {"code": "UNAUTHENTICATED", "reason": "BAD_CREDENTIALS"}
    )


async def test_repeated_failures_are_throttled_even_with_the_right_password(
    api, make_company
) -> None:
    sandbox = await make_company()
    user = sandbox.user("staff")
    for _ in range(api.runtime.settings.login_max_failures):
        assert (await login(api, user, "wrong-password!"))["errors"]
    throttled = await login(api, user)
    assert throttled["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "Too many failed sign-in attempts" in throttled["errors"][0]["message"]
    api.runtime.auth.throttle.succeeded(user)  # an operator's reset; the window would do the same
    assert "errors" not in await login(api, user)


async def test_refresh_rotates_and_the_old_refresh_token_dies(api) -> None:
    first = (await login(api, "perf@case"))["data"]["login"]
    second = await api.gql(REFRESH, {"t": first["refreshToken"]})
    assert "errors" not in second
    fresh = second["data"]["refresh"]
    assert fresh["refreshToken"] != first["refreshToken"]
    assert (await api.gql("{ me { username } }", token=fresh["accessToken"]))["data"]["me"]
    third = await api.gql(REFRESH, {"t": fresh["refreshToken"]})
    assert "errors" not in third, third


async def test_a_replayed_refresh_token_ends_its_session(api, make_company) -> None:
    sandbox = await make_company()
    first = (await login(api, sandbox.user("staff")))["data"]["login"]
    fresh = (await api.gql(REFRESH, {"t": first["refreshToken"]}))["data"]["refresh"]
    assert "errors" not in await api.gql("{ me { username } }", token=fresh["accessToken"])
    replay = await api.gql(REFRESH, {"t": first["refreshToken"]})
    assert replay["errors"][0]["extensions"] == {
        "code": "UNAUTHENTICATED",
        "reason": "TOKEN_INVALID",
    }
    # two parties hold this session's tokens: the whole session ends, the newest tokens too
    assert (await api.gql(REFRESH, {"t": fresh["refreshToken"]}))["errors"][0]["extensions"] == {
        "code": "UNAUTHENTICATED",
        "reason": "TOKEN_INVALID",
    }
    me = await api.gql("{ me { username } }", token=fresh["accessToken"])
    assert me["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    # other sessions of the same person are not touched
    other = (await login(api, sandbox.user("staff")))["data"]["login"]
    assert "errors" not in await api.gql(REFRESH, {"t": other["refreshToken"]})
    log = await api.gql(
        "{ auditLog(first: 20, action: AUTH_REFRESH_REUSED) { edges { node { action } } } }",
        as_user=sandbox.user("admin"),
    )
    assert len(log["data"]["auditLog"]["edges"]) == 1, log


@pytest.mark.parametrize("calls", [3, 5])
async def test_concurrent_refreshes_with_one_token_let_exactly_one_through(
    api, make_company, calls: int
) -> None:
    sandbox = await make_company()
    first = (await login(api, sandbox.user("worker")))["data"]["login"]
    results = await asyncio.gather(
        *(api.gql(REFRESH, {"t": first["refreshToken"]}) for _ in range(calls))
    )
    won = [r["data"]["refresh"] for r in results if "errors" not in r]
    lost = [r for r in results if "errors" in r]
    assert len(won) == 1, results
    assert len(lost) == calls - 1
    assert all(
        r["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED", "reason": "TOKEN_INVALID"}
        for r in lost
    )
    # the losers presented a token already rotated: the session is over for everyone
    again = await api.gql(REFRESH, {"t": won[0]["refreshToken"]})
    assert again["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    me = await api.gql("{ me { username } }", token=won[0]["accessToken"])
    assert me["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_logout_ends_the_session(api) -> None:
    tokens = (await login(api, "admin@case"))["data"]["login"]
    assert (await api.gql("mutation { logout }", token=tokens["accessToken"]))["data"][
        "logout"
    ] is True
    after = await api.gql("{ me { username } }", token=tokens["accessToken"])
    assert after["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert (await api.gql(REFRESH, {"t": tokens["refreshToken"]}))["errors"]


async def test_bad_tokens_are_unauthenticated(api) -> None:
    forged = jwt.encode(
        {"sub": "x", "tid": "y", "sid": "z", "typ": "access", "exp": 9999999999},
        "not-the-secret-but-long-enough-to-sign-with",
        algorithm="HS256",
    )
    for header in (f"Bearer {forged}", "Bearer garbage", "Basic abc", "Bearer "):
        response = await api.client.post(
            "/graphql", json={"query": "{ me { id } }"}, headers={"Authorization": header}
        )
        body = response.json()
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", header


async def test_deactivated_people_cannot_sign_in_and_lose_their_sessions(api, make_company) -> None:
    sandbox = await make_company()
    token = await api.token(sandbox.user("worker"))
    done = await api.gql(
        "mutation($id: ID!) { deactivateEmployee(id: $id) { isActive } }",
        {"id": sandbox.ids["worker"]},
        as_user=sandbox.user("admin"),
    )
    assert done["data"]["deactivateEmployee"]["isActive"] is False
    assert (await api.gql("{ me { id } }", token=token))["errors"][0]["extensions"][
        "code"
    ] == "UNAUTHENTICATED"
    assert (await login(api, sandbox.user("worker")))["errors"]


async def test_passwords_are_argon2_hashed_and_never_exposed(api, db) -> None:
    from server.models import Employee

    row = await Employee.get(username="gm@demo")
    assert row.password_hash.startswith("$argon2")
    schema_text = (
        await api.client.get(
            "/graphql", params={"query": '{ __type(name: "Employee") { fields { name } } }'}
        )
    ).json()
    names = {f["name"] for f in schema_text["data"]["__type"]["fields"]}
    assert not {n for n in names if "password" in n.lower()}


async def test_sign_ins_and_failures_are_audited(api, make_company) -> None:
    sandbox = await make_company()
    user = sandbox.user("worker")
    await login(api, user, "wrong-password!")
    tokens = (await login(api, user))["data"]["login"]
    await api.gql("mutation { logout }", token=tokens["accessToken"])
    log = await api.gql(
        "{ auditLog(first: 10) { edges { node { action objectId actorId } } } }",
        as_user=sandbox.user("admin"),
    )
    actions = [e["node"]["action"] for e in log["data"]["auditLog"]["edges"]]
    # newest first; the admin's own sign-in for reading the log comes first
    assert actions[:4] == ["AUTH_LOGIN", "AUTH_LOGOUT", "AUTH_LOGIN", "AUTH_LOGIN_FAILED"]
    failed = log["data"]["auditLog"]["edges"][3]["node"]
    assert failed["objectId"] and failed["actorId"] is None
