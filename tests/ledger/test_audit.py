import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from encaisse.ledger import audit
from encaisse.ledger.models import AuditEvent, ImmutableRowError


def test_chain_verifies_and_tampering_is_detected(entity, capsys) -> None:  # type: ignore[no-untyped-def]
    for i in range(5):
        audit.record(
            "thing.done", entity=entity, object_type="thing", object_id=i, data={"amount": f"{i}.00"}
        )
    assert list(audit.verify_chain()) == []
    call_command("audit-verify")
    assert "intact: 5 events" in capsys.readouterr().out
    with connection.cursor() as cursor:  # an attacker edits a row behind the application's back
        cursor.execute("UPDATE ledger_auditevent SET data = %s WHERE sequence = 3", ['{"amount": "999.00"}'])
    breaks = list(audit.verify_chain())
    assert breaks[0].sequence == 3
    with pytest.raises(CommandError, match="event 3"):
        call_command("audit-verify")


def test_deleting_a_row_breaks_the_chain(entity) -> None:  # type: ignore[no-untyped-def]
    for i in range(3):
        audit.record("x", object_id=i)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM ledger_auditevent WHERE sequence = 2")
    assert next(b.sequence for b in audit.verify_chain()) == 3


def test_audit_rows_cannot_be_changed_through_the_orm(entity) -> None:  # type: ignore[no-untyped-def]
    ev = audit.record("x")
    ev.action = "y"
    with pytest.raises(ImmutableRowError):
        ev.save()
    with pytest.raises(ImmutableRowError):
        ev.delete()
    with pytest.raises(ImmutableRowError):
        AuditEvent.objects.all().delete()
    with pytest.raises(ImmutableRowError):
        AuditEvent.objects.update(action="z")
