"""The append-only, hash-chained audit log.

Each :class:`~encaisse.ledger.models.AuditEvent` carries the SHA-256 of the
previous event's hash and its own canonical content, so that changing,
inserting or removing any row breaks the chain from there on.
:func:`verify_chain` walks the chain in order and names the first broken row.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from encaisse.ledger.models import AuditEvent, Entity

GENESIS = "0" * 64
_LOCK_KEY = 0x656E6361  # 'enca': serialises appends on PostgreSQL


def _canonical(
    *, sequence: int, at: datetime, actor: str, action: str, entity_id: int | None,
    object_type: str, object_id: str, data: dict[str, Any],
) -> bytes:  # fmt: skip
    payload = {
        "sequence": sequence,
        "at": at.isoformat(timespec="microseconds"),
        "actor": actor,
        "action": action,
        "entity": entity_id,
        "object_type": object_type,
        "object_id": object_id,
        "data": data,
    }
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode()


def chain_hash(previous_hash: str, content: bytes) -> str:
    return hashlib.sha256(previous_hash.encode() + content).hexdigest()


def _chain_end() -> tuple[int, str]:
    """Lock the chain for this transaction (PostgreSQL; SQLite writes one at a time) and read the next
    sequence number and the hash to chain to."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
    last = AuditEvent.objects.order_by("-sequence").values_list("sequence", "hash").first()
    return (last[0] + 1, last[1]) if last else (1, GENESIS)


def record(
    action: str,
    *,
    actor: str = "system",
    entity: Entity | None = None,
    object_type: str = "",
    object_id: object = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event, in the caller's transaction (it rolls back with it)."""
    if not connection.in_atomic_block:
        with transaction.atomic():
            return record(
                action, actor=actor, entity=entity, object_type=object_type, object_id=object_id, data=data
            )
    sequence, previous = _chain_end()
    at = timezone.now()
    # Round-trip through JSON so that what is hashed is exactly what is stored.
    clean = json.loads(json.dumps(data or {}, default=str))
    content = _canonical(
        sequence=sequence, at=at, actor=actor, action=action, entity_id=entity.pk if entity else None,
        object_type=object_type, object_id=str(object_id), data=clean,
    )  # fmt: skip
    event = AuditEvent(
        sequence=sequence, at=at, actor=actor, action=action, entity=entity, object_type=object_type,
        object_id=str(object_id), data=clean, previous_hash=previous, hash=chain_hash(previous, content),
    )  # fmt: skip
    event.save()
    return event


@dataclass(frozen=True, slots=True)
class Pending:
    """One event for :func:`record_many` (the arguments of :func:`record`)."""

    action: str
    actor: str = "system"
    entity_id: int | None = None
    object_type: str = ""
    object_id: object = ""
    data: dict[str, Any] | None = None


_EVENT_COLUMNS = (
    "sequence", "at", "actor", "action", "entity_id", "object_type", "object_id", "data", "previous_hash", "hash",
)  # fmt: skip


def record_many(events: Iterable[Pending]) -> int:
    """Append events in the given order, in the caller's transaction: the chain as :func:`record` makes it.

    One lock, one read of the chain's end and one bulk insert, whatever the
    number of events (a cash-application batch opens thousands of cases).
    """
    pending = list(events)
    if not pending:
        return 0
    if not connection.in_atomic_block:
        with transaction.atomic():
            return record_many(pending)
    sequence, previous = _chain_end()
    at = timezone.now()
    stored_at = connection.ops.adapt_datetimefield_value(at)
    rows = []
    for ev in pending:
        text = json.dumps(ev.data or {}, default=str)
        clean = json.loads(text)  # what is hashed is exactly what is stored
        content = _canonical(
            sequence=sequence, at=at, actor=ev.actor, action=ev.action, entity_id=ev.entity_id,
            object_type=ev.object_type, object_id=str(ev.object_id), data=clean,
        )  # fmt: skip
        digest = chain_hash(previous, content)
        rows.append((sequence, stored_at, ev.actor, ev.action, ev.entity_id, ev.object_type, str(ev.object_id),
                     json.dumps(clean), previous, digest))  # fmt: skip
        sequence, previous = sequence + 1, digest
    from encaisse.ledger.importing import bulk_insert  # importing depends on this module

    return bulk_insert(AuditEvent._meta.db_table, _EVENT_COLUMNS, rows)


@dataclass(frozen=True)
class ChainBreak:
    sequence: int
    reason: str


def verify_chain() -> Iterator[ChainBreak]:
    """Every break in the chain, in order (nothing when intact)."""
    expected_previous = GENESIS
    expected_sequence = 1
    for ev in AuditEvent.objects.order_by("sequence").iterator(chunk_size=5000):
        if ev.sequence != expected_sequence:
            yield ChainBreak(ev.sequence, f"sequence jumps from {expected_sequence - 1} to {ev.sequence}")
        if ev.previous_hash != expected_previous:
            yield ChainBreak(ev.sequence, "previous_hash does not match the hash of the row before")
        content = _canonical(
            sequence=ev.sequence, at=ev.at, actor=ev.actor, action=ev.action, entity_id=ev.entity_id,
            object_type=ev.object_type, object_id=ev.object_id, data=ev.data,
        )  # fmt: skip
        if chain_hash(ev.previous_hash, content) != ev.hash:
            yield ChainBreak(ev.sequence, "content does not match its hash (the row was altered)")
        expected_previous = ev.hash
        expected_sequence = ev.sequence + 1
