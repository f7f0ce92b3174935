"""The loopback attendance source for ``bench_sync``: pages computed from their number.

Record ``i`` (0-based) is employee ``i % employees`` on day ``start + i // employees``, so a
page of 1,000 with 1,000 employees is one day of the whole company. Nothing is built ahead:
each request computes its page, so the server holds one page at a time, like the client.
The JSON shape is the one ``tests/plugins/sample_paged.py`` (``PagedConnector``) reads.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

from aiohttp import web

TOKEN = "bench-token"
PAGE = 1000


def employee_number(n: int) -> str:
    return f"B{n:05d}"


class AttendanceSource:
    def __init__(self, records: int, employees: int, start: date, page_size: int = PAGE) -> None:
        self.records = records
        self.employees = employees
        self.start = start
        self.page_size = page_size
        self.pages = -(-records // page_size)
        self.served = 0  # requests answered
        self.seconds = 0.0  # time spent building and encoding pages (it shares the CPU)

    @property
    def days(self) -> int:
        return -(-self.records // self.employees)

    def item(self, i: int) -> dict:
        day = (self.start + timedelta(days=i // self.employees)).isoformat()
        n = i % self.employees
        # Check-in hours as a source would send them: JSON numbers, a few distinct values.
        hours = 7.5 + (i * 7919 % 9) * 0.25
        return {
            "employee": employee_number(n),
            "day": day,
            "value": hours,
            "id": f"chk-{day}-{n}",
            "metric": "sample.hours",
        }

    def page(self, number: int) -> dict:
        first = (number - 1) * self.page_size
        last = min(first + self.page_size, self.records)
        return {
            "items": [self.item(i) for i in range(first, last)],
            "next": number + 1 if number < self.pages else None,
        }

    def app(self) -> web.Application:
        async def records(request: web.Request) -> web.Response:
            if request.headers.get("Authorization") != f"Bearer {TOKEN}":
                return web.json_response({"error": "bad token"}, status=401)
            began = time.perf_counter()
            number = int(request.query.get("page", "1"))
            if not 1 <= number <= self.pages:
                return web.json_response({"items": [], "next": None})
            response = web.json_response(self.page(number))
            self.served += 1
            self.seconds += time.perf_counter() - began
            return response

        app = web.Application()
        app.router.add_get("/records", records)
        return app


def period_of(source: AttendanceSource) -> tuple[date, date]:
    return source.start, source.start + timedelta(days=source.days - 1)
