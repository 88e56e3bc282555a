"""Cash application through the database: match, review, unapply, confirmations, export, training."""

from __future__ import annotations

import csv
import io
import json
import threading
from datetime import date
from decimal import Decimal

import pytest
from cashapp_book import CUSTOMERS, OGM1, OWN_IBAN, invoices_csv, load, tx
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from encaisse.banking.models import BankTransaction, MatchStatus
from encaisse.cashapp import services
from encaisse.cashapp.models import MatchDecision, PayerAlias, ScoringModel
from encaisse.core.references import format_ogm
from encaisse.ledger.checks import check
from encaisse.ledger.importing import import_customers, import_invoices
from encaisse.ledger.models import Allocation, Entity, Invoice


def decision(ref: str) -> MatchDecision:
    return MatchDecision.objects.get(transaction__bank_reference=ref, is_current=True)


def export() -> list[dict[str, str]]:
    out = io.StringIO()
    services.write_export(list(Entity.objects.values_list("pk", flat=True)), out)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def test_structured_reference_applies_and_rerun_changes_nothing(book, write) -> None:  # type: ignore[no-untyped-def]
    load(write, [tx(1, "1210.00", name="DUPONT SA", text=format_ogm(OGM1), ref=OGM1)])
    summary = services.match(book, today=date(2026, 3, 6))
    assert summary.applied == 1
    inv = Invoice.objects.get(number="F-2026-0101")
    assert inv.open_minor == 0
    assert decision("BANKREF0001").status == "applied"
    again = services.match(book, today=date(2026, 3, 6))
    assert (again.applied, again.suggested, again.unmatched) == (0, 0, 0)
    assert Allocation.objects.filter(invoice=inv).count() == 1
    assert check([date(2026, 3, 5), date(2026, 3, 31)]) == []
    rows = export()
    assert rows == [{"tx_ref": "BANKREF0001", "invoice_number": "F-2026-0101", "amount": "1210.00",
                     "status": "applied", "kind": "invoice", "confidence": rows[0]["confidence"]}]  # fmt: skip


def test_a_returned_payment_is_never_applied_even_naming_an_invoice_to_the_cent(book, write) -> None:  # type: ignore[no-untyped-def]
    load(
        write,
        [tx(1, "1210.00", name="DUPONT SA", text=f"RETOUR AC04 F-2026-0101 {format_ogm(OGM1)}", ref=OGM1)],
    )
    BankTransaction.objects.filter(bank_reference="BANKREF0001").update(
        is_reversal=True, return_reason="AC04"
    )
    services.match(book, today=date(2026, 3, 6))
    d = decision("BANKREF0001")
    assert d.status != "applied" and "return or reversal (AC04)" in d.explanation
    assert Invoice.objects.get(number="F-2026-0101").open_minor == 121000
    (row,) = export()
    assert (row["invoice_number"], row["kind"]) == ("", "unrelated")


def test_an_unmatched_transaction_is_one_row_of_its_whole_amount(book, write) -> None:  # type: ignore[no-untyped-def]
    load(write, [tx(1, "77.77", name="Nobody Known", text="misc")])
    services.match(book, today=date(2026, 3, 6))
    assert decision("BANKREF0001").status == "unmatched"
    (row,) = export()
    assert row == {"tx_ref": "BANKREF0001", "invoice_number": "", "amount": "77.77", "status": "unmatched",
                   "kind": "unrelated", "confidence": row["confidence"]}  # fmt: skip


def test_unapply_reverses_and_the_transaction_is_matched_again(book, write) -> None:  # type: ignore[no-untyped-def]
    load(write, [tx(1, "1210.00", text=f"facture F-2026-0101 {format_ogm(OGM1)}", ref=OGM1)])
    services.match(book, today=date(2026, 3, 6))
    t = BankTransaction.objects.get(bank_reference="BANKREF0001")
    assert services.unapply(t, on=date(2026, 3, 7)) == 1
    assert Invoice.objects.get(number="F-2026-0101").open_minor == 121000
    assert BankTransaction.objects.get(pk=t.pk).match_status == MatchStatus.NEW
    assert Allocation.objects.filter(reverses__isnull=False).count() == 1
    services.match(book, today=date(2026, 3, 8))
    assert Invoice.objects.get(number="F-2026-0101").open_minor == 0
    assert check([date(2026, 3, 31)]) == []


def test_short_pay_within_tolerance_is_a_deduction(book, write) -> None:  # type: ignore[no-untyped-def]
    load(write, [tx(1, "1206.50", text=format_ogm(OGM1), ref=OGM1)])
    services.match(book, today=date(2026, 3, 6))
    rows = export()
    kinds = {(r["kind"], r["amount"]) for r in rows}
    assert kinds == {("invoice", "1210.00"), ("deduction", "-3.50")}
    assert sum(Decimal(r["amount"]) for r in rows) == Decimal("1206.50")
    inv = Invoice.objects.get(number="F-2026-0101")
    assert inv.open_minor == 0
    assert sorted(Allocation.objects.filter(invoice=inv).values_list("kind", "amount_minor")) == [
        ("deduction", 350), ("invoice", 120650)]  # fmt: skip
    assert check([date(2026, 3, 31)]) == []


def test_overpayment_goes_on_account(book, write) -> None:  # type: ignore[no-untyped-def]
    load(
        write,
        [tx(1, "1300.00", name="Brasserie Dupont", iban="BE71096123456769", text=format_ogm(OGM1), ref=OGM1)],
    )
    services.match(book, today=date(2026, 3, 6))
    rows = {(r["kind"], r["invoice_number"], r["amount"]) for r in export()}
    assert rows == {("invoice", "F-2026-0101", "1210.00"), ("on_account", "", "90.00")}
    assert Allocation.objects.get(kind="on_account").amount_minor == 9000


def test_review_accept_records_aliases_and_reject_is_unrelated(book, write) -> None:  # type: ignore[no-untyped-def]
    load(write, [tx(1, "242.00", name="PEETERS J", iban="BE43068999999501"),  # two equal invoices, no reference
                 tx(2, "99.99", name="Tax office", text="VAT refund 2025")])  # fmt: skip
    services.match(book, today=date(2026, 3, 6))
    assert decision("BANKREF0001").status != "applied"
    services.confirm(
        [book.pk], [services.Confirmation("BANKREF0001", (("F-2026-0104", None),))], actor="clerk"
    )
    assert Invoice.objects.get(number="F-2026-0104").open_minor == 0
    assert PayerAlias.objects.filter(
        kind="iban", value="BE43068999999501", customer__external_id="C2"
    ).exists()
    assert PayerAlias.objects.filter(kind="name", value="PEETERS J").exists()
    services.reject(BankTransaction.objects.get(bank_reference="BANKREF0002"), actor="clerk")
    rows = {r["tx_ref"]: r for r in export()}
    assert rows["BANKREF0002"]["kind"] == "unrelated" and rows["BANKREF0002"]["amount"] == "99.99"
    assert rows["BANKREF0001"]["status"] == "applied"
    assert check([date(2026, 3, 31)]) == []


def test_bad_confirmations_are_all_listed_and_nothing_applied(book, write, capsys) -> None:  # type: ignore[no-untyped-def]
    load(write, [tx(1, "100.00", name="X"), tx(2, "300.00", name="Y")])
    services.match(book, today=date(2026, 3, 6))
    path = write("conf.csv", "tx_ref,invoice_number,amount\n"
                             "NOPE,F-2026-0102,10.00\n"
                             "BANKREF0001,F-9999,10.00\n"
                             "BANKREF0002,F-2026-0106,400.00\n"
                             "BANKREF0001,F-2026-0102,100.00\n")  # fmt: skip
    with pytest.raises(CommandError) as failure:
        call_command("import-confirmations", str(path))
    message = str(failure.value)
    assert "unknown transaction 'NOPE'" in message and "unknown invoice 'F-9999'" in message
    assert "beyond its open amount" in message
    assert Allocation.objects.count() == 0
    nul = write(
        "nul.csv", "tx_ref,invoice_number,amount\nBANKREF0002,F-2026-0106,300.00\nBANKREF0001,F\x00,1\n"
    )
    with pytest.raises(CommandError, match=r"nul.csv:3: binary content \(a NUL character\)"):
        call_command("import-confirmations", str(nul))
    assert Allocation.objects.count() == 0
    good = write("ok.csv", "tx_ref,invoice_number,amount\nBANKREF0002,F-2026-0106,300.00\n")
    call_command("import-confirmations", str(good))
    assert Invoice.objects.get(number="F-2026-0106").open_minor == 0


def test_confirmation_beyond_the_payment_or_in_another_currency_is_refused(book, write) -> None:  # type: ignore[no-untyped-def]
    load(write, [tx(1, "100.00", name="X")])
    services.match(book, today=date(2026, 3, 6))
    with pytest.raises(services.CashAppError, match="beyond its amount"):
        services.confirm(
            [book.pk], [services.Confirmation("BANKREF0001", (("F-2026-0105", Decimal("150.00")),))]
        )
    Invoice.objects.filter(number="F-2026-0106").update(currency="USD")
    with pytest.raises(services.CashAppError, match="in USD"):
        services.confirm(
            [book.pk], [services.Confirmation("BANKREF0001", (("F-2026-0106", Decimal("50.00")),))]
        )


def test_commands_match_review_export(book, write, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    load(write, [tx(1, "1210.00", text=format_ogm(OGM1), ref=OGM1), tx(2, "500.01", name="nobody")])
    with pytest.raises(CommandError, match="--workers must be 1 or more"):
        call_command("match", "--workers", "0")
    call_command("match", "--format", "json", "--workers", "2")  # too few transactions to share: one process
    assert '"applied": 1' in capsys.readouterr().out
    call_command("review", "--format", "csv")
    listed = capsys.readouterr().out
    assert "BANKREF0002" in listed and "BANKREF0001" not in listed
    call_command("review", "accept", "BANKREF0002", "F-2026-0102:500.00")
    capsys.readouterr()
    out = tmp_path / "alloc.csv"
    call_command("export-allocations", "-o", str(out))
    lines = out.read_text().splitlines()
    assert lines[0] == "tx_ref,invoice_number,amount,status,kind,confidence"
    assert any(line.startswith("BANKREF0002,,0.01,applied,on_account,") for line in lines)
    call_command("unapply", "BANKREF0002")
    assert Invoice.objects.get(number="F-2026-0102").open_minor == 50000
    with pytest.raises(CommandError, match="unknown transaction"):
        call_command("review", "reject", "NOPE")


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_never_apply_twice(entity, write, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Concurrent runs (threads with their own connections): each transaction and open amount taken once."""
    with override_settings(HOME=tmp_path):
        entity.ibans = [OWN_IBAN]
        entity.save()
        import_customers(write("c.csv", CUSTOMERS))
        import_invoices(write("i.csv", invoices_csv()))
        load(write, [tx(1, "1210.00", text=format_ogm(OGM1), ref=OGM1), tx(2, "300.00", text="F-2026-0106")])
        errors: list[BaseException] = []

        def run() -> None:
            try:
                services.match(entity, today=date(2026, 3, 6))
            except BaseException as exc:
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=run) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        lock_errors = [e for e in errors if "locked" in str(e)]
        assert len(errors) == len(lock_errors), errors  # SQLite may refuse the second writer; nothing else
        assert Allocation.objects.filter(kind="invoice").count() == 2
        assert MatchDecision.objects.filter(is_current=True).count() == 2
        for inv in Invoice.objects.all():
            assert inv.open_minor >= 0
        assert check([date(2026, 3, 31)]) == []


def test_habits_recorded_by_people_are_read_back_on_the_next_run(book, write) -> None:  # type: ignore[no-untyped-def]
    from encaisse.cashapp.models import PaymentHabit

    load(write, [tx(1, "242.00", name="PEETERS J", iban="BE43068999999501")])
    services.match(book, today=date(2026, 3, 6))
    services.confirm(
        [book.pk], [services.Confirmation("BANKREF0001", (("F-2026-0103", None),))], actor="clerk"
    )
    assert PaymentHabit.objects.get(customer__external_id="C2").unreferenced == 1
    store = services.alias_store(book)
    assert ("BE43068999999501", str(Invoice.objects.get(number="F-2026-0103").customer_id), 1) in list(
        store.account_aliases()
    )
    # the same payer again, now known by its account: matched to the customer's remaining invoice
    load(write, [tx(2, "242.00", name="PEETERS J", iban="BE43068999999501", day=date(2026, 3, 9))], seq="2")
    services.match(book, today=date(2026, 3, 10))
    assert decision("BANKREF0002").customer_id == Invoice.objects.get(number="F-2026-0104").customer_id


def test_a_model_trained_on_other_features_leaves_the_rules_to_decide(book, write, capsys) -> None:  # type: ignore[no-untyped-def]
    header = {"format": "unknown", "features": ["an", "older", "engine's"]}
    blob = b"ENCAISSE-MATCHING-MODEL\n" + json.dumps(header).encode() + b"\n"
    ScoringModel.objects.create(entity=book, version=1, blob=blob, header=header)
    load(write, [tx(1, "1210.00", name="DUPONT SA", text=format_ogm(OGM1), ref=OGM1)])
    summary = services.match(book, today=date(2026, 3, 6))
    assert summary.applied == 1
    assert "scoring model version 1 not used" in summary.warnings[0]
    assert "cashapp-train" in summary.warnings[0]
