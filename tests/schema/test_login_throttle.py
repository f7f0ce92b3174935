"""The sign-in throttle: bounded memory, normalized names, and lockouts no flood can lift."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from server.demo.load import DEMO_PASSWORD
from server.services import auth
from server.services.throttle import KEY_MAX_BYTES, LoginThrottle

LOGIN = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }"
JUNK = "junk-guess-0000"


@pytest.fixture
def small_throttle(api, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The app's throttle with a small table, and junk guesses that skip argon2.

    The throttle decides before the password check, so a fast refusal of the junk password
    changes nothing it does; it only keeps hundreds of sign-ins quick.
    """
    settings = api.runtime.settings
    real_verify = auth._verify

    async def verify(password_hash: str | None, password: str) -> bool:
        return False if password == JUNK else await real_verify(password_hash, password)

    monkeypatch.setattr(auth, "_verify", verify)
    monkeypatch.setattr(
        api.runtime.auth,
        "throttle",
        LoginThrottle(settings.login_max_failures, settings.login_lockout_seconds, max_names=20),
    )
    yield


async def attempt(api, username: str, password: str = JUNK) -> dict:
    return (await api.post(LOGIN, {"u": username, "p": password})).json()


def message(result: dict) -> str:
    return result["errors"][0]["message"]


async def test_distinct_long_names_keep_the_throttle_bounded(api, small_throttle) -> None:
    throttle = api.runtime.auth.throttle
    # 100 characters each (the longest a name may be), 1,800 once NFKC expands U+FDFA
    names = [f"{n:03d}" + "\ufdfa" * 97 for n in range(160)]
    results = await asyncio.gather(*(attempt(api, name) for name in names))
    assert all(message(r) == "Wrong username or password." for r in results)
    assert len(throttle) <= throttle.max_names
    assert all(len(key.encode()) <= KEY_MAX_BYTES for key in throttle)
    # longer names are refused before the throttle: nothing is stored for them
    before = sorted(throttle)
    huge = await asyncio.gather(*(attempt(api, f"{n}" + "x" * 200_000) for n in range(5)))
    for result in huge:
        assert result["errors"][0]["extensions"] == {
            "code": "BAD_USER_INPUT",
            "reason": "TOO_LONG",
            "field": "username",
        }
    assert sorted(throttle) == before
    # and so are passwords no one can have (argon2 would spend its time on them)
    long_password = await attempt(api, "gm@demo", "p" * 1025)
    assert long_password["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "reason": "TOO_LONG",
        "field": "password",
    }


async def test_a_lockout_survives_a_flood_of_junk_names(api, make_company, small_throttle) -> None:
    sandbox = await make_company()
    target = sandbox.user("staff")
    throttle = api.runtime.auth.throttle
    for _ in range(api.runtime.settings.login_max_failures):
        assert message(await attempt(api, target)) == "Wrong username or password."
    # one failure for each of many junk names: far more than the table holds
    for n in range(3 * throttle.max_names):
        await attempt(api, f"junk{n}@nowhere")
    assert len(throttle) <= throttle.max_names
    locked = await attempt(api, target, DEMO_PASSWORD)
    assert message(locked).startswith("Too many failed sign-in attempts"), locked
    # the same person however the name is typed: case and full-width forms count as one
    for spelling in (
        target.upper(),
        "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in target),
    ):
        assert message(await attempt(api, spelling, DEMO_PASSWORD)).startswith("Too many")


async def test_a_table_full_of_lockouts_refuses_unknown_names(
    api, make_company, small_throttle
) -> None:
    sandbox = await make_company()
    throttle = api.runtime.auth.throttle
    limit = api.runtime.settings.login_max_failures
    for n in range(throttle.max_names):
        for _ in range(limit):
            await attempt(api, f"locked{n}@nowhere")
    assert len(throttle) == throttle.max_names
    # no room to count a new name's failures, so it is not checked at all: even the right
    # password waits, rather than a lockout being dropped to make room
    newcomer = await attempt(api, sandbox.user("worker"), DEMO_PASSWORD)
    assert message(newcomer).startswith("Too many failed sign-in attempts"), newcomer
    assert message(await attempt(api, "locked0@nowhere")).startswith("Too many")
    throttle.succeeded("locked0@nowhere")  # one lockout ends: room for one name again
    assert "errors" not in await attempt(api, sandbox.user("worker"), DEMO_PASSWORD)


def test_lockouts_are_kept_and_counters_evicted_first() -> None:
    throttle = LoginThrottle(max_failures=3, window_seconds=60, max_names=3)
    for _ in range(3):
        throttle.failed("Target@Demo", now=0)
    assert throttle.retry_after("target@demo", now=1) > 0
    for n in range(100):
        throttle.failed(f"junk{n}", now=2 + n / 100)
    assert len(throttle) == 3 and throttle.retry_after("ＴＡＲＧＥＴ@demo", now=5) > 0
    # a window after the last failure the lockout is over and its entry may go
    assert throttle.retry_after("target@demo", now=61) == 0
    assert throttle.retry_after("new@demo", now=200) == 0
