"""Credit holds (manual and automatic), alerts, the worklist ranking, the commands and the daily task."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from collections_factories import DUE, make_customer, make_invoice
from django.core.management import call_command

from encaisse.collections.credit import NoActiveHold, credit_check, place_hold, release_hold
from encaisse.collections.models import CollectionSettings, CreditAlert, CreditHold, DunningLetter
from encaisse.collections.worklist import age_factor, worklist
from encaisse.ledger.audit import verify_chain
from encaisse.ledger.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_hold_place_release_are_audited(seller) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer(seller)
    hold = place_hold(customer, "review", actor="cm", since=DUE)
    assert place_hold(customer, "again", actor="cm", since=DUE).pk == hold.pk  # one active hold
    release_hold(customer, actor="cm", note="ok")
    with pytest.raises(NoActiveHold):
        release_hold(customer, actor="cm")
    events = AuditEvent.objects.filter(object_type="customer", object_id=str(customer.pk))
    assert [(e.action, e.actor) for e in events] == [
        ("credit.hold_placed", "cm"),
        ("credit.hold_released", "cm"),
    ]
    assert list(verify_chain()) == []


def test_credit_check_over_limit_and_overdue(seller) -> None:  # type: ignore[no-untyped-def]
    CollectionSettings.objects.create(entity=seller, hold_overdue_days=60)
    over = make_customer(seller, "OVER", credit_limit_minor=15000, credit_limit_currency="EUR")
    make_invoice(over, "F-O1", amount="100.00", due=DUE)
    make_invoice(over, "F-O2", amount="100.00", due=DUE)
    make_invoice(over, "F-USD", amount="900.00", currency="USD", due=DUE)  # another currency than the limit
    under = make_customer(seller, "UNDER", credit_limit_minor=50000, credit_limit_currency="EUR")
    make_invoice(under, "F-U", amount="100.00", due=DUE)
    late = make_customer(seller, "LATE")
    make_invoice(late, "F-L", amount="10.00", due=DUE - timedelta(days=61))
    report = credit_check(seller, DUE)
    held = set(
        CreditHold.objects.filter(released_at__isnull=True).values_list("customer__external_id", flat=True)
    )
    assert held == {"OVER", "LATE"}
    alert = CreditAlert.objects.get(customer=over)
    assert alert.kind == "over_limit" and "200.00" in alert.detail and "150.00" in alert.detail
    assert CreditAlert.objects.get(customer=late).kind == "overdue"
    assert sorted(report.placed) == sorted([over.pk, late.pk])
    # a second check the same day places nothing new
    assert credit_check(seller, DUE).placed == [] and CreditAlert.objects.count() == 2


def test_worklist_ranks_by_expected_loss(seller, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # every customer at the normal risk weight (1): the ranking then shows the age factors alone
    from encaisse.collections import worklist as worklist_module
    from encaisse.core.dunning import Risk

    monkeypatch.setattr(worklist_module, "risk_of", lambda ids: dict.fromkeys(ids, Risk.NORMAL))
    as_of = date(2026, 6, 1)
    big_recent = make_customer(seller, "BIG")
    make_invoice(big_recent, "F-B", amount="10000.00", due=as_of - timedelta(days=10))  # 10000 × 2 % = 200
    small_old = make_customer(seller, "OLD")
    make_invoice(small_old, "F-S", amount="1000.00", due=as_of - timedelta(days=150))  # 1000 × 50 % = 500
    mid = make_customer(seller, "MID")
    make_invoice(mid, "F-M", amount="3000.00", due=as_of - timedelta(days=45))  # 3000 × 5 % = 150
    make_invoice(make_customer(seller, "NOTDUE"), "F-N", amount="99999.00", due=as_of + timedelta(days=5))
    rows = worklist([seller.pk], as_of)
    assert [(r.customer.external_id, r.expected_loss) for r in rows] == [
        ("OLD", Decimal("500.00")), ("BIG", Decimal("200.00")), ("MID", Decimal("150.00")),
    ]  # fmt: skip
    assert rows[0].oldest_days == 150 and age_factor(91) == Decimal("0.25")


def test_dunning_run_command_and_statement_command(seller, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    make_invoice(make_customer(seller, "C1", emails=["c1@x.test"]), "F-1")
    call_command(
        "dunning-run", "--as-of", (DUE + timedelta(days=10)).isoformat(), "--dry-run", "--format", "json"
    )
    assert '"dry_run": true' in capsys.readouterr().out and DunningLetter.objects.count() == 0
    call_command(
        "dunning-run", "--as-of", (DUE + timedelta(days=10)).isoformat(), "--send", "--format", "csv"
    )
    out = capsys.readouterr().out
    assert out.splitlines()[1].endswith(",1,0")  # sent 1, failed 0
    assert DunningLetter.objects.get().status == "sent"
    target = tmp_path / "st.pdf"
    call_command("statement", "C1", "-o", str(target), "--as-of", "2026-03-20")
    assert target.read_bytes().startswith(b"%PDF")


def test_daily_task_drafts_and_auto_sends(seller, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from encaisse.collections.models import DunningPolicy
    from encaisse.collections.policies import ensure_default_policy
    from encaisse.collections.tasks import run_daily

    monkeypatch.setenv("ENCAISSE_TODAY", (DUE + timedelta(days=10)).isoformat())
    make_invoice(make_customer(seller, "C1", emails=["c1@x.test"]), "F-1")
    assert run_daily() == {"letters": 1, "sent": 0}
    assert DunningLetter.objects.get().status == "draft"
    assert run_daily() == {"letters": 0, "sent": 0}  # idempotent per day
    policy = ensure_default_policy(seller)
    DunningPolicy.objects.filter(pk=policy.pk).update(auto_send=True)
    make_invoice(make_customer(seller, "C2", emails=["c2@x.test"]), "F-2")
    assert run_daily() == {"letters": 1, "sent": 1}
