"""Matching in batches, recorded in bulk beside the engine (a thread, or a process of its own where the database
is a server or an SQLite file): the same outcome as deciding all at once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from cashapp_book import CUSTOMERS, OGM1, OWN_IBAN, invoices_csv, load, tx
from django.db import transaction
from django.db.models import F
from django.test import override_settings

from encaisse.banking.models import BankTransaction, MatchStatus
from encaisse.cases.models import Case
from encaisse.cashapp import services
from encaisse.cashapp.models import DecisionRow, MatchDecision, MatchRun, PayerAlias
from encaisse.core.references import format_ogm
from encaisse.ledger.checks import check
from encaisse.ledger.importing import bulk_insert, import_customers, import_invoices
from encaisse.ledger.models import Allocation, AuditEvent, Receipt
from encaisse.ledger.posting import AllocationRefused

TODAY = date(2026, 3, 6)


def payments(write) -> None:  # type: ignore[no-untyped-def]
    load(write, [
        tx(1, "1206.50", text=format_ogm(OGM1), ref=OGM1),  # short by bank charges: a deduction
        tx(2, "300.00", text="F-2026-0106"),
        tx(3, "242.00", name="PEETERS J", iban="BE43068999999501"),  # two equal invoices: a suggestion
        tx(4, "99.99", name="Tax office", text="VAT refund 2025"),
        tx(5, "550.00", name="Brasserie Dupont", iban="BE71096123456769", text="F-2026-0102"),
        tx(6, "1000.00", text="F-2026-0105"),
    ])  # fmt: skip


def recorded() -> dict[str, tuple[str, list[tuple[str, str, int]]]]:
    """Each transaction's current decision: its status and rows (kind, invoice number, amount)."""
    return {
        d.transaction.bank_reference: (d.status, [(r.kind, r.invoice_number, r.amount_minor) for r in d.rows.all()])
        for d in MatchDecision.objects.filter(is_current=True).select_related("transaction")
    }  # fmt: skip


def decided(summary: services.MatchSummary) -> dict[str, tuple[str, list[tuple[str, str, int]]]]:
    refs = dict(BankTransaction.objects.values_list("pk", "bank_reference"))
    return {
        refs[int(d.transaction_id)]: (
            str(d.status),
            [(str(a.kind), a.invoice_number or "", int(a.amount * 100)) for a in d.allocations],
        )
        for d in summary.decisions
    }


@pytest.fixture
def book(entity, write, tmp_path):  # type: ignore[no-untyped-def]
    with override_settings(HOME=tmp_path):
        entity.ibans = [OWN_IBAN]
        entity.save()
        import_customers(write("c.csv", CUSTOMERS))
        import_invoices(write("i.csv", invoices_csv()))
        payments(write)
        yield entity


@pytest.mark.django_db(transaction=True)
def test_small_batches_written_beside_the_engine_record_what_the_engine_decides(book) -> None:  # type: ignore[no-untyped-def]
    before = (Allocation.objects.count(), AuditEvent.objects.count())
    expected = services.match(book, dry_run=True, today=TODAY)
    assert (
        not MatchDecision.objects.exists() and not MatchRun.objects.exists() and not Receipt.objects.exists()
    )
    assert (Allocation.objects.count(), AuditEvent.objects.count()) == before  # a dry run writes nothing
    assert set(BankTransaction.objects.values_list("match_status", flat=True)) == {MatchStatus.NEW}
    summary = services.match(book, today=TODAY, batch_size=2, overlap=True)
    # the writes ran beside the engine (in a thread here, in a process of their own on PostgreSQL)
    assert "waiting for the writes" in summary.timings.wall
    assert recorded() == decided(expected)
    assert (summary.applied, summary.suggested, summary.unmatched) == (
        expected.applied, expected.suggested, expected.unmatched)  # fmt: skip
    assert summary.applied >= 3 and summary.suggested >= 1  # several batches of each kind
    applied = MatchDecision.objects.filter(status="applied")
    assert (
        Receipt.objects.count() == applied.count() == len(set(applied.values_list("receipt_id", flat=True)))
    )
    assert DecisionRow.objects.count() == sum(len(rows) for _, rows in recorded().values())
    assert (
        Case.objects.filter(deduction__isnull=False).count()
        == Allocation.objects.filter(kind="deduction").count()
        == 1
    )
    assert set(BankTransaction.objects.values_list("match_status", flat=True)) <= {
        "applied",
        "suggested",
        "unmatched",
    }
    assert check([date(2026, 3, 31)]) == []
    again = services.match(book, today=TODAY, batch_size=2)
    assert (again.applied, again.suggested, again.unmatched) == (0, 0, 0)


@pytest.mark.django_db(transaction=True)
def test_a_refused_batch_stops_the_run_and_leaves_its_transactions_new(book, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import multiprocessing

    calls = multiprocessing.Value("i", 0)  # shared with a writing process (a database it can open)
    post = services.post_allocations

    def refuse_the_second(*args, **kwargs):  # type: ignore[no-untyped-def]
        with calls.get_lock():
            calls.value += 1
        if calls.value == 2:
            raise AllocationRefused(["open item changed meanwhile"])
        return post(*args, **kwargs)

    monkeypatch.setattr(services, "post_allocations", refuse_the_second)
    with pytest.raises(services.CashAppError, match="open item changed meanwhile"):
        services.match(book, today=TODAY, batch_size=2, overlap=True)
    assert calls.value == 2  # nothing written after the refused batch
    assert MatchDecision.objects.count() == 2  # the first batch is committed
    assert BankTransaction.objects.filter(match_status=MatchStatus.NEW).count() == 4
    assert check([date(2026, 3, 31)]) == []


def test_inside_a_callers_transaction_the_batches_are_written_in_it(book) -> None:  # type: ignore[no-untyped-def]
    with transaction.atomic():
        summary = services.match(book, today=TODAY, batch_size=4, overlap=True)
    assert "waiting for the writes" not in summary.timings.wall
    assert MatchDecision.objects.count() == 6 and summary.applied == Receipt.objects.count()
    assert {"load book", "build index", "engine", "record and post"} <= set(summary.timings.as_dict())


def test_reserved_ids_are_never_handed_out_again(entity) -> None:  # type: ignore[no-untyped-def]
    def receipt() -> Receipt:
        return Receipt.objects.create(entity=entity, amount_minor=100, currency="EUR", value_date=TODAY)

    with transaction.atomic():
        first = receipt()
        ids = services._reserve_ids(Receipt._meta.db_table, 3)
        assert len(set(ids)) == 3 and min(ids) > first.pk
        bulk_insert(Receipt._meta.db_table, ("id", "entity_id", "amount_minor", "currency", "value_date", "reference",
                                             "source", "created_at"),
                    [(pk, entity.pk, 100, "EUR", TODAY, "", "", first.created_at) for pk in ids])  # fmt: skip
        last = receipt()
        assert last.pk > max(ids)
        Receipt.objects.filter(pk=last.pk).delete()
        assert min(services._reserve_ids(Receipt._meta.db_table, 1)) > last.pk  # even the deleted one's
    assert Receipt.objects.count() == 4


def _many_invoices(count: int) -> str:
    lines = ["number,customer_id,issue_date,due_date,currency,total,structured_reference"]
    lines += [
        f"F-2026-{n:04d},C{n % 3 + 1},2026-02-01,2026-03-03,EUR,{100 + n}.00," for n in range(1, count + 1)
    ]
    return "\n".join(lines) + "\n"


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_in_small_batches_take_each_transaction_and_open_amount_once(
    entity, write, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """Two runs started together, each writing in its own thread, race batch by batch for the same payments.

    Batches with nothing to allocate make them compete for transactions
    only; duplicate payments make them compete for open amounts too. Whatever the interleaving, each transaction is decided by
    one run, no open amount is taken twice, and the journal balances.
    """
    import threading

    from django.db import connection

    from encaisse.ledger.models import Invoice

    with override_settings(HOME=tmp_path):
        entity.ibans = [OWN_IBAN]
        entity.save()
        import_customers(write("c.csv", CUSTOMERS))
        import_invoices(write("i.csv", _many_invoices(30)))
        # first two batches of payments that are not customers': nothing allocated, only decisions recorded
        txs = [tx(200 + n, f"{n}.99", name="Tax office", text=f"VAT refund 2025 Q{n}") for n in range(1, 7)]
        for n in range(1, 31):
            txs.append(tx(n, f"{100 + n}.00", text=f"F-2026-{n:04d}"))
            if n % 5 == 0:
                txs.append(tx(100 + n, f"{100 + n}.00", text=f"F-2026-{n:04d}"))  # paid twice
        load(write, txs)
        errors: list[BaseException] = []
        start = threading.Barrier(2)

        def run() -> None:
            try:
                start.wait()
                services.match(entity, today=TODAY, batch_size=3, overlap=True)
            except BaseException as exc:
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=run) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        # a refused batch (an open amount taken meanwhile) stops a run; SQLite may refuse a writer; nothing else
        sqlite = connection.vendor == "sqlite"
        unexpected = [
            e
            for e in errors
            if not isinstance(e, services.CashAppError) and not (sqlite and "locked" in str(e))
        ]
        assert unexpected == []
        services.match(entity, today=TODAY, batch_size=3)  # what a refused batch left new
        assert not BankTransaction.objects.filter(match_status=MatchStatus.NEW).exists()
        decided = MatchDecision.objects.filter(is_current=True)
        assert decided.count() == BankTransaction.objects.count() == len(txs)
        assert len(set(decided.values_list("transaction_id", flat=True))) == len(txs)
        applied = decided.filter(status="applied")
        assert applied.count() >= 30 and Receipt.objects.count() == applied.count()
        assert (
            Allocation.objects.filter(receipt__isnull=False).values("receipt").distinct().count()
            == applied.count()
        )
        for inv in Invoice.objects.all():
            taken = sum(Allocation.objects.filter(invoice=inv).values_list("amount_minor", flat=True))
            assert 0 <= inv.open_minor == inv.total_minor - taken, inv.number
        assert check([date(2026, 3, 31)]) == []


def test_the_book_is_read_as_the_invoices_say(entity, write) -> None:  # type: ignore[no-untyped-def]
    """Open items from plain rows (dates and discounts read as text): what the invoices hold, item for item."""
    from encaisse.core.matching.records import ItemKind, OpenItem
    from encaisse.core.money import Money
    from encaisse.ledger.models import DocumentKind, Invoice

    import_customers(write("c.csv", CUSTOMERS))
    import_invoices(write("i.csv", (
        "number,customer_id,issue_date,due_date,currency,total,structured_reference,kind,discount_percent,discount_days,rate\n"
        "F-2026-0001,C1,2026-02-01,2026-03-03,EUR,1210.00,,invoice,2.5,10,\n"
        "F-2026-0002,C2,2026-01-31,2026-02-28,EUR,99.99,,invoice,,,\n"
        "CN-2026-0001,C2,2026-02-03,2026-02-03,EUR,40.00,,credit_note,,,\n"
        "F-2026-0003,C3,2025-12-31,2026-01-30,USD,500.00,,invoice,1,8,0.9\n"
        "F-2025-0900,C3,2025-06-30,2025-07-30,EUR,10.00,,invoice,,,\n"
    )))  # fmt: skip
    Invoice.objects.filter(number="F-2026-0002").update(open_minor=4999)  # partly paid
    Invoice.objects.filter(number="F-2025-0900").update(open_minor=0)  # settled long ago: left out
    items = list(services._open_items(entity, date(2026, 1, 1)))
    expected = []
    for inv in Invoice.objects.exclude(number="F-2025-0900").order_by("id"):
        sign = -1 if inv.kind == DocumentKind.CREDIT_NOTE else 1
        expected.append(OpenItem(
            id=str(inv.pk), number=inv.number, customer_id=str(inv.customer_id), currency=inv.currency,
            total=Money.from_minor(sign * inv.total_minor, inv.currency).amount,
            open_amount=Money.from_minor(sign * inv.open_minor, inv.currency).amount, issue_date=inv.issue_date,
            due_date=inv.due_date, structured_reference=inv.structured_reference or None,
            discount_percent=inv.discount_percent, discount_days=inv.discount_days,
            kind=ItemKind.CREDIT_NOTE if sign < 0 else ItemKind.INVOICE,
        ))  # fmt: skip
    assert sorted(items, key=lambda i: int(i.id)) == expected
    by_number = {i.number: i for i in items}
    assert by_number["F-2026-0001"].discount_percent == Decimal("2.50")
    assert by_number["F-2026-0001"].issue_date == date(2026, 2, 1)
    assert by_number["F-2026-0002"].open_amount == Decimal("49.99")
    assert by_number["CN-2026-0001"].total == Decimal("-40.00")
    assert (by_number["F-2026-0003"].currency, by_number["F-2026-0003"].discount_days) == ("USD", 8)


def test_the_book_is_read_in_the_order_its_rows_were_created_whatever_their_order_on_disk(
    entity, write
) -> None:  # type: ignore[no-untyped-def]
    """The engine breaks some ties by the order of the book, so the book is loaded by id: on PostgreSQL an
    updated row moves behind the others on disk, and 200k payments were decided otherwise than on SQLite
    for 14 of them (docs/performance.md)."""
    from encaisse.ledger.models import Customer, Invoice

    import_customers(write("c.csv", CUSTOMERS))
    import_invoices(write("i.csv", invoices_csv()))
    first_customer = Customer.objects.filter(entity=entity).order_by("id").first()
    Customer.objects.filter(pk=first_customer.pk).update(name=first_customer.name + " SA")
    first_invoices = list(
        Invoice.objects.filter(entity=entity).order_by("id").values_list("id", flat=True)[:2]
    )
    Invoice.objects.filter(pk__in=first_invoices).update(open_minor=F("open_minor") - 1)  # paid in part
    PayerAlias.objects.create(entity=entity, customer=first_customer, kind="name", value="B DUPONT")
    PayerAlias.objects.create(entity=entity, customer=first_customer, kind="name", value="BRASSERIE D")
    PayerAlias.objects.filter(value="B DUPONT").update(count=2)
    items = [int(i.id) for i in services._open_items(entity, date(2026, 1, 1))]
    parties = services._parties(entity)
    assert items == sorted(items) and set(first_invoices) <= set(items)
    assert [int(p.id) for p in parties] == sorted(int(p.id) for p in parties)
    first = next(p for p in parties if p.id == str(first_customer.pk))
    assert first.name.endswith(" SA") and first.aliases[-2:] == ("B DUPONT", "BRASSERIE D")


def test_money_kept_on_account_in_another_currency_takes_the_rate_of_the_invoice_it_pays(
    entity, write
) -> None:  # type: ignore[no-untyped-def]
    """A USD payment to a EUR entity: the excess on account is booked at the rate of the USD invoice paid;
    money on account in USD with no invoice to give a rate is left to a person, and the batch goes through."""
    from dataclasses import replace as copy

    from encaisse.core.matching.records import Allocation as Row
    from encaisse.core.matching.records import AllocationKind, Decision, Status
    from encaisse.ledger.models import Invoice

    entity.ibans = [OWN_IBAN]
    entity.save()
    import_customers(write("c.csv", CUSTOMERS))
    import_invoices(write("i.csv", (
        "number,customer_id,issue_date,due_date,currency,total,structured_reference,rate\n"
        "U-2026-0001,C3,2026-02-01,2026-03-03,USD,500.00,,0.9\n"
    )))  # fmt: skip
    load(write, [tx(1, "550.00", name="Schmidt Maschinenbau GmbH", iban="DE89370400440532013000",
                    text="Invoice U-2026-0001")])  # fmt: skip
    BankTransaction.objects.update(currency="USD")
    summary = services.match(entity, today=date(2026, 3, 6))
    assert summary.applied == 1, [d.explanation for d in summary.decisions]
    assert Invoice.objects.get(number="U-2026-0001").open_minor == 0
    on_account = Allocation.objects.get(kind="on_account")
    assert (on_account.amount_minor, on_account.currency, on_account.payment_rate) == (
        5000,
        "USD",
        Decimal("0.9"),
    )
    assert on_account.functional_minor == 4500
    assert check([date(2026, 3, 31)]) == []

    # on account only, in USD: no rate to book it at
    pending = services.PendingTx(1, 12000, "USD", date(2026, 3, 5), date(2026, 3, 5), "REF", "")
    alone = Decision("1", Status.APPLIED, (Row(AllocationKind.ON_ACCOUNT, Decimal("120.00"), None, None),),
                     customer_id="3", confidence=0.99, explanation="paid twice")  # fmt: skip
    (kept,) = services._without_rate([alone], {"1": pending}, "EUR", {})
    assert kept.status == Status.SUGGESTED and "needs an exchange rate to EUR" in kept.explanation
    eur = {"1": pending._replace(currency="EUR")}
    assert services._without_rate([alone], eur, "EUR", {}) == [alone]
    assert (
        services._without_rate([copy(alone, status=Status.SUGGESTED)], {"1": pending}, "EUR", {})[
            0
        ].explanation
        == "paid twice"
    )
    # the customer's latest invoice in USD gives the rate
    (taken,) = services._without_rate(
        [alone], {"1": pending}, "EUR", {(3, "USD"): (Decimal("0.9"), "U-2026-0001")}
    )
    assert taken.status == Status.APPLIED
    assert (
        taken.explanation
        == "paid twice; kept on account at the rate of U-2026-0001, the customer's latest invoice in USD (0.9 EUR)"
    )


def test_a_second_payment_in_another_currency_is_kept_on_account_at_the_customers_latest_rate(
    entity, write
) -> None:  # type: ignore[no-untyped-def]
    """The same USD invoice paid twice: the second payment names only a settled invoice, and goes on account at
    the rate of the customer's latest USD invoice, not to a person."""
    from encaisse.ledger.models import Invoice

    entity.ibans = [OWN_IBAN]
    entity.save()
    import_customers(write("c.csv", CUSTOMERS))
    import_invoices(write("i.csv", (
        "number,customer_id,issue_date,due_date,currency,total,structured_reference,rate\n"
        "U-2026-0001,C3,2026-02-01,2026-03-03,USD,500.00,,0.9\n"
        "U-2026-0002,C3,2026-02-10,2026-03-12,USD,80.00,,0.92\n"
    )))  # fmt: skip
    load(write, [
        tx(1, "500.00", name="Schmidt Maschinenbau GmbH", iban="DE89370400440532013000", text="Invoice U-2026-0001"),
        tx(2, "500.00", name="Schmidt Maschinenbau GmbH", iban="DE89370400440532013000", text="Invoice U-2026-0001",
           day=date(2026, 3, 6)),
    ])  # fmt: skip
    BankTransaction.objects.update(currency="USD")
    summary = services.match(entity, today=date(2026, 3, 9))
    assert summary.applied == 2, [d.explanation for d in summary.decisions]
    assert Invoice.objects.get(number="U-2026-0001").open_minor == 0
    assert Invoice.objects.get(number="U-2026-0002").open_minor == 8000
    on_account = Allocation.objects.get(kind="on_account")
    assert (on_account.amount_minor, on_account.currency, on_account.payment_rate) == (
        50000,
        "USD",
        Decimal("0.92"),
    )
    assert on_account.functional_minor == 46000
    second = MatchDecision.objects.get(transaction__bank_reference="BANKREF0002")
    assert "the rate of U-2026-0002, the customer's latest invoice in USD" in second.explanation
    assert check([date(2026, 3, 31)]) == []


@pytest.mark.django_db(transaction=True)
def test_with_worker_processes_the_run_records_the_decisions_of_one_process(
    entity, write, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """``match(workers=2)``: a forked process analyses part of each batch while the writes go on beside them."""
    from encaisse.core.matching import parallel

    with override_settings(HOME=tmp_path):
        entity.ibans = [OWN_IBAN]
        entity.save()
        import_customers(write("c.csv", CUSTOMERS))
        import_invoices(write("i.csv", _many_invoices(45)))
        names = {1: ("Brasserie Dupont", "BE71096123456769"), 2: ("Bakkerij Peeters", "BE62510007547061"),
                 3: ("Schmidt Maschinenbau", "DE89370400440532013000")}  # fmt: skip
        txs = []
        for n in range(1, 46):
            name, iban = names[n % 3 + 1]
            if n % 4 == 0:  # by payer and amount alone
                txs.append(tx(n, f"{100 + n}.00", name=name, iban=iban))
            elif n % 4 == 1:  # a part payment, then the rest
                txs.append(tx(n, f"{50 + n}.00", name=name, text=f"acompte F-2026-{n:04d}"))
                txs.append(tx(100 + n, "50.00", name=name, text=f"solde F-2026-{n:04d}"))
            else:
                txs.append(tx(n, f"{100 + n}.00", name=name, iban=iban, text=f"Facture F-2026-{n:04d}"))
            if n % 9 == 0:
                txs.append(
                    tx(200 + n, f"{100 + n}.00", name=name, iban=iban, text=f"F-2026-{n:04d}")
                )  # twice
        load(write, txs)
        expected = services.match(entity, dry_run=True, today=TODAY)
        monkeypatch.setattr(parallel, "BATCH", 3)  # many small batches between the processes
        pools, runs = [], []
        opened, run = parallel.Pool.__init__, parallel.Pool.run

        def counted_pool(pool, engine, workers, own=None):  # type: ignore[no-untyped-def]
            pools.append((workers, own))
            opened(pool, engine, workers, own)

        def counted_run(pool, transactions):  # type: ignore[no-untyped-def]
            decisions, stats = run(pool, transactions)
            runs.append(stats)
            return decisions, stats

        monkeypatch.setattr(parallel.Pool, "__init__", counted_pool)
        monkeypatch.setattr(parallel.Pool, "run", counted_run)
        summary = services.match(entity, today=TODAY, batch_size=31, overlap=True, workers=2)
    # the worker is forked once for the whole run; it takes 3/4 of the payers when this process also writes (in
    # a thread: the tests' SQLite database is in memory), half when a writing process does (PostgreSQL)
    assert pools == [(2, None if services._WritingProcess.possible() else 0.25)]
    assert len(runs) == 2 and sum(s.taken for s in runs) > 0  # and shares both batches
    assert recorded() == decided(expected)
    assert (summary.applied, summary.suggested, summary.unmatched) == (
        expected.applied, expected.suggested, expected.unmatched)  # fmt: skip
    assert summary.applied >= 40
    assert check([date(2026, 3, 31)]) == []


def _in_a_workspace(tmp_path, *args: str) -> dict:  # type: ignore[no-untyped-def]
    """Run ``writing_process_workspace.py`` on an SQLite file of its own; what it found."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    home, out = tmp_path / "home", tmp_path / "out.json"
    home.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("ENCAISSE_DATABASE_URL", "ENCAISSE_TEST_DATABASE_URL")
    }
    env |= {"ENCAISSE_HOME": str(home), "DJANGO_SETTINGS_MODULE": "encaisse.settings"}
    script = Path(__file__).with_name("writing_process_workspace.py")
    done = subprocess.run([sys.executable, str(script), str(out), *args], env=env, capture_output=True, text=True,
                          timeout=300, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict = json.loads(out.read_text())
    return result


def test_on_an_sqlite_file_the_batches_are_written_by_a_forked_process(tmp_path) -> None:  # type: ignore[no-untyped-def]
    found = _in_a_workspace(tmp_path)
    assert found["error"] is None
    assert len(found["writers"]) == 3  # three batches of two, each recorded
    assert set(found["writers"]) == {found["writers"][0]} != {found["pid"]}  # by one other process
    assert found["recorded"] == found["expected"]  # what the engine decided, as a dry run decides it
    assert found["summary"] == found["counts"] and found["counts"][0] >= 3  # counted from its answers
    assert {"engine", "waiting for the writes", "record and post", "record: decisions"} <= set(found["steps"])
    assert found["problems"] == []


def test_a_batch_refused_in_the_writing_process_stops_the_run_with_its_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    found = _in_a_workspace(tmp_path, "refuse")
    assert found["error"] is not None and "open item changed meanwhile" in found["error"]
    assert len(found["writers"]) == 2  # nothing recorded after the refused batch
    assert len(found["recorded"]) == 2  # the first batch is committed, the second rolled back
    assert found["new"] == 4
    assert found["problems"] == []
    assert found["after_again"] == found["expected"]  # the next run writes the rest, once


def test_a_writing_process_that_dies_stops_the_run_with_an_error_and_loses_nothing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    found = _in_a_workspace(tmp_path, "die")
    assert found["error"] == "the writing process ended without answering"
    assert len(found["recorded"]) == 2  # the first batch is committed; the second never was
    assert found["new"] == 4
    assert found["problems"] == []
    assert found["after_again"] == found["expected"]  # the next run writes the rest, once
