"""WeCom (企业微信) check-in: per employee and day, presence, lateness and absence.

Official API (企业内部开发 › 服务端API):
- gettoken: https://developer.work.weixin.qq.com/document/path/91039
- getcheckindata (打卡记录): https://developer.work.weixin.qq.com/document/path/90262
- getcheckin_daydata (打卡日报): https://developer.work.weixin.qq.com/document/path/93374
Both data calls take at most 100 userids and (for records) a span of at most 30 days, so a
period is walked window by window (≤30 days) and batch by batch (≤100 users); only one
API response is held in memory at a time.

This module also defines the attendance metrics shared with ``plugins.timeclock_file``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import aiohttp
from aiohttp.client_reqrep import RequestInfo

from plugins import hookimpl
from plugins.contract import ConfigField, Connector, ConnectorError, MetricSpec, Period, Record

# --- attendance metrics, shared by every attendance connector (one definition) ----------

PRESENT_DAYS = MetricSpec(
    "attendance.present_days", "Days present", "days", "sum", "1 when the person attended"
)
LATE_COUNT = MetricSpec(
    "attendance.late_count", "Late arrivals", "times", "sum", "late on-duty check-ins"
)
ABSENT_DAYS = MetricSpec(
    "attendance.absent_days",
    "Days absent",
    "days",
    "sum",
    "1 on a working day with no attendance and no leave on record",
)
ATTENDANCE_RATE = MetricSpec(
    "attendance.rate",
    "Attendance rate",
    "ratio",
    "avg",
    "1.0 or 0.0 per working day; its average over a period is present ÷ working days",
)
ATTENDANCE_METRICS = (PRESENT_DAYS, LATE_COUNT, ABSENT_DAYS, ATTENDANCE_RATE)


def day_records(
    prefix: str,
    employee_key: str,
    day: date,
    *,
    present: bool,
    late: int,
    absent: bool,
    working: bool,
    raw: Mapping[str, Any],
) -> Iterator[Record]:
    """The facts of one person-day. ``source_id`` is ``prefix:employee:day:metric``, so a
    re-run of the same period updates the same rows instead of adding new ones."""
    values: list[tuple[MetricSpec, int | float]] = [
        (PRESENT_DAYS, int(present)),
        (LATE_COUNT, late),
        (ABSENT_DAYS, int(absent)),
    ]
    # The rate exists only on working days: a rest day (even with overtime punches) must
    # not move an average that means "present ÷ days one was expected".
    if working:
        values.append((ATTENDANCE_RATE, 1.0 if present else 0.0))
    for spec, value in values:
        source_id = f"{prefix}:{employee_key}:{day.isoformat()}:{spec.key}"
        yield Record(employee_key, spec.key, day, value, source_id, raw=raw)


def raise_for_status(response: aiohttp.ClientResponse) -> None:
    """``raise_for_status`` without the query string: it carries corpsecret/access_token
    (or a signed export link), and the engine logs and shows these errors."""
    if response.status < 400:
        return
    bare = response.url.with_query(None)
    info = RequestInfo(bare, response.method, response.request_info.headers, bare)
    raise aiohttp.ClientResponseError(
        info,
        response.history,
        status=response.status,
        message=response.reason or "",
        headers=response.headers,
    )


def zone(config: Mapping[str, Any]) -> ZoneInfo:
    name = config.get("timezone") or "Asia/Shanghai"
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConnectorError(f"unknown timezone {name!r}") from exc


# --- WeCom ----------------------------------------------------------------------------

TOKEN_ERRORS = frozenset({40014, 42001})  # invalid access_token, access_token expired
MAX_USERS = 100  # useridlist limit of both data calls
MAX_DAYS = 30  # getcheckindata: span of at most 30 days
ON_DUTY, OFF_DUTY = "上班打卡", "下班打卡"
LEAVE_ITEMS = frozenset({1, 3, 4})  # day report sp_items.type: 1 请假, 3 出差, 4 外出
EXC_LATE = 1  # day report exception_infos.exception: 1 迟到 (4 旷工 is kept in raw)


class _WeCom:
    """One fetch run's API client: the token is fetched once and re-fetched once when
    WeCom says it expired or is invalid (it may revoke tokens before expires_in)."""

    def __init__(self, session: aiohttp.ClientSession, config: Mapping[str, Any]) -> None:
        self.session = session
        self.base = str(config.get("base_url") or WeComCheckin.DEFAULT_BASE).rstrip("/")
        self.corp_id = str(config.get("corp_id") or "")
        self.secret = str(config.get("corp_secret") or "")
        self.token: str | None = None
        if not self.corp_id or not self.secret:
            raise ConnectorError("corp_id and corp_secret are required")

    async def _json(self, response: aiohttp.ClientResponse) -> dict[str, Any]:
        raise_for_status(response)
        try:
            data = await response.json(content_type=None)
        except ValueError as exc:
            raise ConnectorError(f"WeCom answered something that is not JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise ConnectorError("WeCom answered JSON that is not an object")
        return data

    async def fetch_token(self) -> str:
        params = {"corpid": self.corp_id, "corpsecret": self.secret}
        async with self.session.get(f"{self.base}/cgi-bin/gettoken", params=params) as resp:
            data = await self._json(resp)
        if data.get("errcode", 0) != 0 or not data.get("access_token"):
            raise ConnectorError(
                f"WeCom refused the credentials: errcode {data.get('errcode')}: "
                f"{data.get('errmsg', '')}"
            )
        self.token = str(data["access_token"])
        return self.token

    async def post(self, path: str, body: Mapping[str, Any]) -> dict[str, Any]:
        for attempt in range(2):
            token = self.token if self.token and attempt == 0 else await self.fetch_token()
            url = f"{self.base}/cgi-bin/{path}"
            async with self.session.post(url, params={"access_token": token}, json=body) as resp:
                data = await self._json(resp)
            code = data.get("errcode", 0)
            if code in TOKEN_ERRORS and attempt == 0:
                continue
            if code != 0:
                raise ConnectorError(f"WeCom {path}: errcode {code}: {data.get('errmsg', '')}")
            return data
        raise AssertionError("unreachable")  # the loop returns or raises


def windows(period: Period, days: int = MAX_DAYS) -> Iterator[tuple[date, date]]:
    """Inclusive (first, last) day spans of at most ``days`` days covering the period."""
    start = period.start
    while start <= period.end:
        last = min(start + timedelta(days=days - 1), period.end)
        yield start, last
        start = last + timedelta(days=1)


def _midnight(day: date, tz: ZoneInfo) -> int:
    return int(datetime.combine(day, time(), tz).timestamp())


def _user_ids(config: Mapping[str, Any]) -> list[str]:
    value = config.get("user_ids") or []
    if isinstance(value, str):  # tolerate "a, b\nc" typed into a text box
        value = value.replace("\n", ",").split(",")
    ids = list(dict.fromkeys(str(v).strip() for v in value if str(v).strip()))
    if not ids:
        raise ConnectorError("user_ids is empty: list the WeCom userids to collect")
    return ids


def _exceptions(text: str | None) -> set[str]:
    # exception_type is "" when fine, else e.g. "时间异常;地点异常" (several, ';'-separated)
    return {part.strip() for part in (text or "").split(";") if part.strip()}


def _checkin_days(
    rows: Sequence[Mapping[str, Any]], tz: ZoneInfo, period: Period
) -> Iterator[Record]:
    by_day: dict[tuple[str, date], list[Mapping[str, Any]]] = defaultdict(list)
    for row in rows:
        stamp = row.get("checkin_time") or row.get("sch_checkin_time")
        if not row.get("userid") or not stamp:
            continue
        day = datetime.fromtimestamp(int(stamp), tz).date()
        if day in period:
            by_day[(str(row["userid"]), day)].append(row)
    for (user, day), rows_of_day in sorted(by_day.items()):
        punched = [r for r in rows_of_day if "未打卡" not in _exceptions(r.get("exception_type"))]
        # WeCom writes a 未打卡 record for each scheduled check that was not made, so a
        # day with 上班/下班 records is a working day; outing check-ins alone are not.
        working = any(r.get("checkin_type") in (ON_DUTY, OFF_DUTY) for r in rows_of_day)
        late = sum(
            1
            for r in punched
            if r.get("checkin_type") == ON_DUTY
            and "时间异常" in _exceptions(r.get("exception_type"))
        )
        raw = {
            "userid": user,
            "checkins": [
                {k: r.get(k) for k in ("checkin_type", "exception_type", "checkin_time")}
                for r in rows_of_day
            ],
        }
        yield from day_records(
            "wecom",
            user,
            day,
            present=bool(punched),
            late=late,
            absent=working and not punched,
            working=working,
            raw=raw,
        )


def _report_days(
    rows: Sequence[Mapping[str, Any]], tz: ZoneInfo, period: Period
) -> Iterator[Record]:
    for row in rows:
        base = row.get("base_info") or {}
        if not base.get("acctid") or base.get("date") is None:
            continue
        day = datetime.fromtimestamp(int(base["date"]), tz).date()
        if day not in period:
            continue
        summary = row.get("summary_info") or {}
        exceptions = {
            int(e.get("exception", 0)): int(e.get("count", 0))
            for e in row.get("exception_infos") or []
        }
        excused = any(
            int(i.get("type", 0)) in LEAVE_ITEMS and int(i.get("count", 0)) > 0
            for i in row.get("sp_items") or []
        )
        present = int(summary.get("checkin_count") or 0) > 0
        working = int(base.get("day_type", 0)) == 0  # 0 工作日日报, 1 休息日日报
        raw = {
            "userid": base["acctid"],
            "day_type": base.get("day_type"),
            "checkin_count": summary.get("checkin_count"),
            "exceptions": exceptions,
            "sp_items": [i.get("name") for i in row.get("sp_items") or [] if i.get("count")],
        }
        yield from day_records(
            "wecom",
            str(base["acctid"]),
            day,
            present=present,
            late=exceptions.get(EXC_LATE, 0),
            absent=working and not present and not excused,
            working=working,
            raw=raw,
        )


class WeComCheckin(Connector):
    """Daily attendance facts from WeCom check-in records or day reports."""

    DEFAULT_BASE: ClassVar[str] = "https://qyapi.weixin.qq.com"
    name = "wecom_checkin"
    title = "WeCom check-in (企业微信打卡)"
    version = "1.0"
    kind = "attendance"
    metrics = ATTENDANCE_METRICS
    config_fields = (
        ConfigField("base_url", "url", default=DEFAULT_BASE, description="WeCom API root"),
        ConfigField("corp_id", required=True, description="企业ID (My Company › Company Info)"),
        ConfigField(
            "corp_secret",
            required=True,
            secret=True,
            description="Secret of an app listed under 打卡 › 可调用接口的应用",
        ),
        ConfigField(
            "user_ids",
            "array",
            required=True,
            description="WeCom userids to collect; each must equal the person's Jixiao "
            "employee number or e-mail (whichever the tenant matches on)",
        ),
        ConfigField(
            "source",
            default="checkins",
            choices=("checkins", "day_report"),
            description="checkins: raw punch records (getcheckindata); day_report: WeCom's "
            "own daily verdict (getcheckin_daydata), which knows approved leave",
        ),
        ConfigField(
            "timezone", default="Asia/Shanghai", description="Zone that decides a punch's day"
        ),
    )

    async def fetch(
        self,
        session: aiohttp.ClientSession,
        config: Mapping[str, Any],
        since: str | None,
        period: Period,
    ) -> AsyncIterator[Record]:
        # ``since`` is ignored on purpose: WeCom rewrites past days (补卡 corrections,
        # approvals), so each run recomputes the whole period; stable source_ids make
        # that idempotent.
        client = _WeCom(session, config)
        users = _user_ids(config)
        tz = zone(config)
        report = config.get("source") == "day_report"
        await client.fetch_token()
        for first, last in windows(period):
            start = _midnight(first, tz)
            for i in range(0, len(users), MAX_USERS):
                batch = users[i : i + MAX_USERS]
                if report:  # both bounds are 0点 timestamps of inclusive days
                    body = {"starttime": start, "endtime": _midnight(last, tz), "useridlist": batch}
                    data = await client.post("checkin/getcheckin_daydata", body)
                    records = _report_days(data.get("datas") or [], tz, period)
                else:  # ends one second before the next midnight: span ≤ 30 days
                    end = _midnight(last + timedelta(days=1), tz) - 1
                    body = {
                        "opencheckindatatype": 3,  # 3: all check-ins (on/off duty and outings)
                        "starttime": start,
                        "endtime": end,
                        "useridlist": batch,
                    }
                    data = await client.post("checkin/getcheckindata", body)
                    records = _checkin_days(data.get("checkindata") or [], tz, period)
                for record in records:
                    yield record

    def next_cursor(self) -> str | None:
        return None  # see fetch: the period is recomputed every run

    async def test_connection(
        self, session: aiohttp.ClientSession, config: Mapping[str, Any]
    ) -> None:
        await _WeCom(session, config).fetch_token()


@hookimpl
def jixiao_register_connectors() -> list[type[Connector]]:
    return [WeComCheckin]
