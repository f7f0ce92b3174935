"""WeCom check-in connector against a fake WeCom API served on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from aiohttp import web

from plugins.contract import ConnectorError, Period, Record
from plugins.timeclock_file import TimeclockFile
from plugins.wecom import ATTENDANCE_METRICS, WeComCheckin, jixiao_register_connectors
from tests.plugins.loopback import serve

TZ = ZoneInfo("Asia/Shanghai")
Rows = Callable[[dict[str, Any]], list[dict[str, Any]]]


def ts(day: date, hh: int = 0, mm: int = 0, ss: int = 0) -> int:
    return int(datetime.combine(day, time(hh, mm, ss), TZ).timestamp())


@dataclass
class FakeWeCom:
    """Just enough of qyapi.weixin.qq.com: tokens, and the two check-in calls."""

    rows: Rows = lambda body: []  # the answer to one data call
    token_calls: int = 0
    valid: set[str] = field(default_factory=set)
    calls: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)  # path, token, body
    expire_next: int = 0  # answer this many data calls with 42001
    data_error: tuple[int, str] | None = None
    status: int = 200

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/cgi-bin/gettoken", self.gettoken)
        app.router.add_post("/cgi-bin/checkin/{call}", self.data)
        return app

    async def gettoken(self, request: web.Request) -> web.Response:
        self.token_calls += 1
        if self.status != 200:
            return web.Response(status=self.status, text="boom")
        q = request.query
        if (q.get("corpid"), q.get("corpsecret")) != ("ww-corp", "s3cret"):
            return web.json_response({"errcode": 40001, "errmsg": "invalid credential"})
        token = f"tok{self.token_calls}"
        self.valid = {token}
        return web.json_response(
            {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": 7200}
        )

    async def data(self, request: web.Request) -> web.Response:
        body = await request.json()
        token = request.query.get("access_token", "")
        self.calls.append((request.match_info["call"], token, body))
        if self.expire_next:
            self.expire_next -= 1
            return web.json_response({"errcode": 42001, "errmsg": "access_token expired"})
        if token not in self.valid:
            return web.json_response({"errcode": 40014, "errmsg": "invalid access_token"})
        if self.data_error:
            code, msg = self.data_error
            return web.json_response({"errcode": code, "errmsg": msg})
        key = "datas" if request.match_info["call"] == "getcheckin_daydata" else "checkindata"
        return web.json_response({"errcode": 0, "errmsg": "ok", key: self.rows(body)})


@pytest.fixture
async def wecom() -> AsyncIterator[tuple[FakeWeCom, dict[str, Any]]]:
    fake = FakeWeCom()
    async with serve(fake.app()) as base:
        config = {
            "base_url": base,
            "corp_id": "ww-corp",
            "corp_secret": "s3cret",
            "user_ids": ["u1"],
        }
        yield fake, config


async def collect(config: dict[str, Any], period: Period) -> list[Record]:
    async with aiohttp.ClientSession() as session:
        return [r async for r in WeComCheckin().fetch(session, config, None, period)]


def facts(records: list[Record]) -> dict[tuple[str, date, str], Any]:
    return {(r.employee_key, r.day, r.metric): r.value for r in records}


def of_day(got: dict[tuple[str, date, str], Any], day: date, user: str = "u1") -> tuple[Any, ...]:
    """(present, late, absent, rate) of one person-day; None where no fact was emitted."""
    return tuple(
        got.get((user, day, f"attendance.{m}"))
        for m in ("present_days", "late_count", "absent_days", "rate")
    )


def punch(user: str, kind: str, exc: str, stamp: int) -> dict[str, Any]:
    return {
        "userid": user,
        "groupname": "g",
        "checkin_type": kind,
        "exception_type": exc,
        "checkin_time": stamp,
    }


ON, OFF = "上班打卡", "下班打卡"


def test_registration_and_shared_metrics() -> None:
    assert jixiao_register_connectors() == [WeComCheckin]
    assert WeComCheckin.kind == "attendance" and WeComCheckin.name == "wecom_checkin"
    assert WeComCheckin.accepts_upload is False
    assert WeComCheckin.metrics is ATTENDANCE_METRICS
    assert TimeclockFile.metrics is ATTENDANCE_METRICS  # one definition, shared
    aggregation = {m.key: m.aggregation for m in ATTENDANCE_METRICS}
    assert aggregation == {
        "attendance.present_days": "sum",
        "attendance.late_count": "sum",
        "attendance.absent_days": "sum",
        "attendance.rate": "avg",
    }
    secrets = {f.name for f in WeComCheckin.config_fields if f.secret}
    assert secrets == {"corp_secret"}


async def test_windows_of_30_days_and_batches_of_100_users(wecom: Any) -> None:
    fake, config = wecom
    users = [f"E{i:04d}" for i in range(150)]
    config["user_ids"] = users
    # each user punches in on the first day of the window asked for
    fake.rows = lambda body: [
        punch(u, ON, "", body["starttime"] + 8 * 3600 + 55 * 60) for u in body["useridlist"]
    ]
    records = await collect(config, Period(date(2024, 3, 1), date(2024, 4, 14)))

    assert fake.token_calls == 1  # one token for the whole run
    assert all(token == "tok1" for _, token, _ in fake.calls)
    sent = [
        (b["starttime"], b["endtime"], len(b["useridlist"]), b["opencheckindatatype"])
        for _, _, b in fake.calls
    ]
    first = (ts(date(2024, 3, 1)), ts(date(2024, 3, 30), 23, 59, 59))
    second = (ts(date(2024, 3, 31)), ts(date(2024, 4, 14), 23, 59, 59))
    assert sent == [(*first, 100, 3), (*first, 50, 3), (*second, 100, 3), (*second, 50, 3)]
    assert all(end - start < 30 * 86400 for start, end, *_ in sent)
    assert [b["useridlist"] for _, _, b in fake.calls[:2]] == [users[:100], users[100:]]

    got = facts(records)
    assert len(records) == 150 * 2 * 4  # 150 people × 2 days × 4 metrics
    for day in (date(2024, 3, 1), date(2024, 3, 31)):
        assert got[("E0149", day, "attendance.present_days")] == 1
        assert got[("E0149", day, "attendance.rate")] == 1.0


async def test_late_absent_and_rate_mapping(wecom: Any) -> None:
    fake, config = wecom
    d = [date(2024, 5, n) for n in range(6, 12)]  # Mon 6 … Sat 11
    fake.rows = lambda body: [
        punch("u1", ON, "", ts(d[0], 8, 50)),
        punch("u1", OFF, "", ts(d[0], 18, 5)),
        punch("u1", ON, "时间异常", ts(d[1], 9, 20)),  # late
        punch("u1", OFF, "时间异常", ts(d[1], 17, 0)),  # left early: not late
        punch("u1", ON, "未打卡", ts(d[2], 9)),  # no punch all day: absent
        punch("u1", OFF, "未打卡", ts(d[2], 18)),
        punch("u1", ON, "未打卡", ts(d[3], 9)),  # forgot the morning punch only
        punch("u1", OFF, "", ts(d[3], 18, 30)),
        punch("u1", ON, "时间异常;地点异常", ts(d[4], 9, 40)),  # several exceptions
        punch("u1", "外出打卡", "", ts(d[5], 10)),  # Saturday visit: present, no rate
    ]
    records = await collect(config, Period(d[0], d[-1]))
    got = facts(records)

    assert of_day(got, d[0]) == (1, 0, 0, 1.0)
    assert of_day(got, d[1]) == (1, 1, 0, 1.0)
    assert of_day(got, d[2]) == (0, 0, 1, 0.0)
    assert of_day(got, d[3]) == (1, 0, 0, 1.0)
    assert of_day(got, d[4]) == (1, 1, 0, 1.0)
    assert of_day(got, d[5]) == (1, 0, 0, None)

    ids = [r.source_id for r in records]
    assert "wecom:u1:2024-05-07:attendance.late_count" in ids
    assert len(set(ids)) == len(ids)
    again = await collect(config, Period(d[0], d[-1]))
    assert [r.source_id for r in again] == ids  # a re-run updates the same facts
    assert records[0].raw["checkins"][0]["checkin_type"] == ON


async def test_punches_outside_the_period_are_ignored(wecom: Any) -> None:
    fake, config = wecom
    fake.rows = lambda body: [
        punch("u1", ON, "", ts(date(2024, 5, 31), 23, 59)),
        punch("u1", ON, "", ts(date(2024, 6, 1), 0, 0)),
    ]
    records = await collect(config, Period(date(2024, 6, 1), date(2024, 6, 1)))
    assert {r.day for r in records} == {date(2024, 6, 1)}


async def test_day_report_source(wecom: Any) -> None:
    fake, config = wecom
    config["source"] = "day_report"
    d = [date(2024, 5, n) for n in (6, 7, 8, 11)]

    def report(
        day: date, day_type: int, count: int, exceptions: list[tuple[int, int]], leave: int = 0
    ) -> dict[str, Any]:
        return {
            "base_info": {"date": ts(day), "acctid": "u1", "day_type": day_type, "record_type": 1},
            "summary_info": {
                "checkin_count": count,
                "regular_work_sec": 0,
                "standard_work_sec": 28800,
            },
            "exception_infos": [
                {"exception": e, "count": c, "duration": 60} for e, c in exceptions
            ],
            "sp_items": [
                {
                    "type": 1,
                    "vacation_id": 2,
                    "count": leave,
                    "duration": 86400,
                    "time_type": 0,
                    "name": "年假",
                }
            ],
        }

    fake.rows = lambda body: [
        report(d[0], 0, 2, [(1, 1)]),  # late once
        report(d[1], 0, 0, [], leave=1),  # annual leave: not absent, not present
        report(d[2], 0, 0, [(4, 1)]),  # 旷工
        report(d[3], 1, 0, []),  # rest day
    ]
    records = await collect(config, Period(d[0], d[-1]))
    got = facts(records)
    assert fake.calls[0][0] == "getcheckin_daydata"
    body = fake.calls[0][2]
    assert (body["starttime"], body["endtime"], body["useridlist"]) == (ts(d[0]), ts(d[-1]), ["u1"])
    assert of_day(got, d[0]) == (1, 1, 0, 1.0)
    assert of_day(got, d[1]) == (0, 0, 0, 0.0)
    assert of_day(got, d[2]) == (0, 0, 1, 0.0)
    assert of_day(got, d[3]) == (0, 0, 0, None)


async def test_api_error_raises_connector_error_with_errmsg(wecom: Any) -> None:
    fake, config = wecom
    fake.data_error = (60020, "not allow to access from your ip")
    with pytest.raises(ConnectorError, match=r"60020.*not allow to access from your ip"):
        await collect(config, Period(date(2024, 5, 1), date(2024, 5, 2)))


async def test_expired_token_is_fetched_again_once(wecom: Any) -> None:
    fake, config = wecom
    fake.rows = lambda body: [punch("u1", ON, "", ts(date(2024, 5, 6), 9))]
    fake.expire_next = 1
    records = await collect(config, Period(date(2024, 5, 6), date(2024, 5, 6)))
    assert fake.token_calls == 2
    assert [token for _, token, _ in fake.calls] == ["tok1", "tok2"]
    assert facts(records)[("u1", date(2024, 5, 6), "attendance.present_days")] == 1

    fake.calls.clear()
    fake.expire_next = 2  # still refused after a fresh token: give up, do not loop
    with pytest.raises(ConnectorError, match="42001"):
        await collect(config, Period(date(2024, 5, 6), date(2024, 5, 6)))
    assert len(fake.calls) == 2


async def test_connection_ok_and_bad_credentials(wecom: Any) -> None:
    fake, config = wecom
    async with aiohttp.ClientSession() as session:
        await WeComCheckin().test_connection(session, config)
        assert fake.token_calls == 1
        with pytest.raises(ConnectorError, match="40001: invalid credential"):
            await WeComCheckin().test_connection(session, {**config, "corp_secret": "wrong"})
        with pytest.raises(ConnectorError, match="corp_secret"):
            await WeComCheckin().test_connection(session, {**config, "corp_secret": ""})


async def test_http_errors_propagate_without_the_secret(wecom: Any) -> None:
    fake, config = wecom
    fake.status = 502  # the engine retries aiohttp 5xx errors; they must not carry the secret
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientResponseError) as caught:
            await WeComCheckin().test_connection(session, config)
    assert caught.value.status == 502
    assert "s3cret" not in str(caught.value) and "s3cret" not in str(caught.value.request_info)


async def test_user_ids_are_required(wecom: Any) -> None:
    _, config = wecom
    with pytest.raises(ConnectorError, match="user_ids"):
        await collect({**config, "user_ids": []}, Period(date(2024, 5, 1), date(2024, 5, 1)))
