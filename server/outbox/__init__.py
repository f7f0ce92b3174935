"""The durable event outbox: written with each change, delivered from the table.

- ``emit`` (store.py) writes domain events in the change's transaction;
- ``Tail`` (tail.py) is each process's reader, for GraphQL subscriptions;
- ``Dispatcher`` (dispatcher.py) delivers to durable consumers, each from its own cursor,
  in one process of the deployment at a time (a lease);
- ``plugin_consumers`` (hooks.py) are the consumers that call plugin hooks.

docs/operations.md describes the multi-process design.
"""

from __future__ import annotations

from server.outbox.dispatcher import Consumer, Dispatcher
from server.outbox.hooks import plugin_consumers
from server.outbox.store import StoredEvent, emit, head, read_after
from server.outbox.tail import Tail

__all__ = [
    "Consumer",
    "Dispatcher",
    "StoredEvent",
    "Tail",
    "emit",
    "head",
    "plugin_consumers",
    "read_after",
]
