"""Running syncs, reading their history and quarantine, and reading collected facts."""

from __future__ import annotations

import base64
import binascii
from datetime import date
from uuid import UUID

from plugins.contract import Period
from server.audit import Actor, record
from server.authz import CONNECTOR_CONFIG_SYNC, METRIC_FACT_READ, QUARANTINE_READ, SYNC_RUN_READ
from server.errors import BadInput, Conflict, Forbidden, NotFound
from server.models import MetricFact, QuarantinedRecord, SyncRun
from server.paging import Page, after_filter, check_first, encode_cursor
from server.services.connectors import ConnectorConfigs
from server.services.employees import get_employee, position
from server.sync.engine import SyncBusy
from server.vocabulary import AuditAction, AuditObjectType

MAX_PERIOD_DAYS = 366
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def period(start: date, end: date) -> Period:
    if end < start or (end - start).days >= MAX_PERIOD_DAYS:
        raise BadInput("period_invalid", field="period", days=MAX_PERIOD_DAYS)
    return Period(start, end)


async def start_sync(
    actor: Actor,
    configs: ConnectorConfigs,
    config_id: UUID,
    span: Period,
    upload: dict | None = None,
) -> SyncRun:
    config = await configs.get(actor, config_id, CONNECTOR_CONFIG_SYNC)
    try:
        run, _task = await configs.engine.start(
            config,
            span,
            trigger="upload" if upload else "manual",
            actor_id=actor.caller.employee_id,
            upload=upload,
        )
    except SyncBusy as exc:
        raise Conflict("sync_busy") from exc
    await record(
        actor,
        AuditAction.SYNC_START,
        AuditObjectType.SYNC_RUN,
        run.id,
        after={
            "config_id": config.id,
            "start": span.start,
            "end": span.end,
            "trigger": run.trigger,
        },
    )
    return run


async def import_file(
    actor: Actor,
    configs: ConnectorConfigs,
    config_id: UUID,
    file_name: str,
    content_base64: str,
    span: Period,
) -> SyncRun:
    config = await configs.get(actor, config_id, CONNECTOR_CONFIG_SYNC)
    cls = configs.connector(config.connector)
    if not cls.accepts_upload:
        raise BadInput("upload_unsupported", field="configId", connector=cls.name)
    try:
        content = base64.b64decode(content_base64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise BadInput("invalid_format", field="contentBase64", hint="base64") from exc
    if not content:
        raise BadInput("required", field="contentBase64")
    if len(content) > MAX_UPLOAD_BYTES:
        raise BadInput("too_long", field="contentBase64", max=MAX_UPLOAD_BYTES)
    return await start_sync(
        actor, configs, config_id, span, {"upload": content, "upload_name": file_name.strip()[:200]}
    )


async def runs(
    actor: Actor, configs: ConnectorConfigs, config_id: UUID, first: int
) -> list[SyncRun]:
    check_first(first)
    actor.authz.require(SYNC_RUN_READ)
    config = await configs.get(actor, config_id)
    return await SyncRun.filter(config_id=config.id).order_by("-started_at").limit(first)


async def get_run(actor: Actor, run_id: UUID) -> SyncRun:
    run = await SyncRun.get_or_none(id=run_id, company_id=actor.caller.company_id)
    if run is None or not actor.authz.check(SYNC_RUN_READ):
        raise NotFound("sync_run")
    return run


async def get_quarantined(actor: Actor, record_id: UUID) -> QuarantinedRecord:
    row = await QuarantinedRecord.get_or_none(id=record_id, company_id=actor.caller.company_id)
    if row is None or not actor.authz.check(QUARANTINE_READ):
        raise NotFound("quarantine")
    return row


async def quarantine(
    actor: Actor,
    configs: ConnectorConfigs,
    config_id: UUID,
    first: int,
    after: str | None,
    resolved: bool,
) -> Page[QuarantinedRecord]:
    check_first(first)
    actor.authz.require(QUARANTINE_READ)
    config = await configs.get(actor, config_id)
    query = QuarantinedRecord.filter(config_id=config.id, resolved_at__isnull=not resolved)
    if (after_q := after_filter("source_id", after)) is not None:
        query = query.filter(after_q)
    rows = await query.order_by("source_id", "id").limit(first + 1)
    page = rows[:first]
    return Page(page, [encode_cursor(r.source_id, r.id) for r in page], len(rows) > first)


async def facts(
    actor: Actor, employee_id: UUID, metric: str | None, start: date, end: date
) -> list[MetricFact]:
    """One person's collected values in a span, for those in his management line and HR."""
    span = period(start, end)
    employee = await get_employee(actor, employee_id)
    if not actor.authz.check(METRIC_FACT_READ, position(employee)):
        # The person is visible, so saying "not found" would mislead: the facts are forbidden.
        raise Forbidden("forbidden", action="read", object_type="metric_fact")
    query = MetricFact.filter(
        company_id=actor.caller.company_id,
        employee_id=employee.id,
        period_start__gte=span.start,
        period_end__lte=span.end,
    )
    if metric:
        query = query.filter(metric=metric)
    return await query.order_by("metric", "period_start", "source_id").limit(5000)
