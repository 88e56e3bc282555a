"""Appending audit events in bulk keeps the hash chain as one at a time does."""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise

from django.db import connection

from encaisse.ledger import audit
from encaisse.ledger.models import AuditEvent


def test_bulk_events_continue_the_chain_in_order(entity) -> None:  # type: ignore[no-untyped-def]
    audit.record("first", entity=entity, object_type="thing", object_id=1)
    made = audit.record_many(
        audit.Pending(f"bulk.{i}", actor="cash_application", entity_id=entity.pk, object_type="case", object_id=i,
                      data={"amount": Decimal(f"{i}.50"), "text": "résumé", "rows": [i, None]})
        for i in range(5)
    )  # fmt: skip
    audit.record("last", data={"after": True})
    assert made == 5
    events = list(AuditEvent.objects.order_by("sequence"))
    assert [e.sequence for e in events] == list(range(1, 8))
    assert [e.action for e in events] == ["first", *(f"bulk.{i}" for i in range(5)), "last"]
    assert all(later.previous_hash == earlier.hash for earlier, later in pairwise(events))
    assert events[3].data == {"amount": "2.50", "text": "résumé", "rows": [2, None]}
    assert (events[3].actor, events[3].entity_id, events[3].object_type, events[3].object_id) == (
        "cash_application", entity.pk, "case", "2")  # fmt: skip
    assert list(audit.verify_chain()) == []
    assert audit.record_many([]) == 0


def test_an_altered_bulk_event_is_detected(entity) -> None:  # type: ignore[no-untyped-def]
    audit.record_many([audit.Pending("a", data={"n": 1}), audit.Pending("b", data={"n": 2})])
    assert list(audit.verify_chain()) == []
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_auditevent SET data = %s WHERE sequence = 2", ['{"n": 3}'])
    assert [b.sequence for b in audit.verify_chain()] == [2]
