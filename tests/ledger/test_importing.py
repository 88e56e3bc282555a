"""Customer and invoice imports: atomic, idempotent, every bad row reported."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from encaisse.ledger.checks import check
from encaisse.ledger.importing import ImportFailed, import_customers, import_invoices
from encaisse.ledger.models import Allocation, AuditEvent, Customer, Invoice, JournalLine
from encaisse.portal.accounts import payments_of

CUSTOMERS = """id,name,country,vat_number,iban,email,language
C1,Acme SA,BE,BE0403019261,BE68539007547034,ap@acme.example,fr
C2,Beta BV,NL,,NL91ABNA0417164300,ap@beta.example;cfo@beta.example,nl
"""
INVOICES = """number,customer_id,issue_date,due_date,currency,total,structured_reference
INV-001,C1,2026-09-01,2026-10-01,EUR,121.00,+++090/9337/55493+++
INV-002,C1,2026-10-15,2026-11-15,EUR,50.50,RF18539007547034
INV-003,C2,2026-11-01,2026-12-01,EUR,1000,
"""


@pytest.fixture
def customers(entity, write):  # type: ignore[no-untyped-def]
    import_customers(write("c.csv", CUSTOMERS))
    return entity


def test_customers_imported_with_lists_and_validation(customers) -> None:  # type: ignore[no-untyped-def]
    beta = Customer.objects.get(external_id="C2")
    assert beta.emails == ["ap@beta.example", "cfo@beta.example"]
    assert beta.ibans == ["NL91ABNA0417164300"]
    assert beta.language == "nl"


def test_invoices_import_and_second_time_changes_nothing(customers, write) -> None:  # type: ignore[no-untyped-def]
    path = write("i.csv", INVOICES)
    first = import_invoices(path)
    assert (first.new, first.known) == (3, 0)
    lines_after_first = JournalLine.objects.count()
    events_after_first = AuditEvent.objects.count()
    second = import_invoices(path)
    assert (second.new, second.known, second.changed) == (0, 3, [])
    assert Invoice.objects.count() == 3
    assert JournalLine.objects.count() == lines_after_first
    assert AuditEvent.objects.count() == events_after_first
    inv = Invoice.objects.get(number="INV-001")
    assert (inv.total_minor, inv.open_minor, inv.structured_reference) == (12100, 12100, "090933755493")


def test_changed_invoice_is_reported_not_overwritten(customers, write) -> None:  # type: ignore[no-untyped-def]
    import_invoices(write("i.csv", INVOICES))
    changed = INVOICES.replace(
        "INV-003,C2,2026-11-01,2026-12-01,EUR,1000,", "INV-003,C2,2026-11-01,2026-12-01,EUR,999,"
    )
    result = import_invoices(write("i2.csv", changed + "INV-004,C2,2026-11-02,2026-12-02,EUR,10,\n"))
    assert result.changed == ["INV-003"]
    assert result.new == 1
    assert Invoice.objects.get(number="INV-003").total_minor == 100000


def test_one_bad_row_and_nothing_is_imported_every_error_listed(customers, write) -> None:  # type: ignore[no-untyped-def]
    bad = INVOICES + (
        "INV-004,C9,2026-11-01,2026-12-01,EUR,10,\n"  # unknown customer
        "INV-005,C1,2026-13-01,2026-12-01,EUR,10,\n"  # bad date
        "INV-006,C1,2026-11-01,2026-12-01,EUR,10.001,\n"  # too many decimals
        "INV-007,C1,2026-11-01,2026-12-01,XXX,10,\n"  # unknown currency
        "INV-008,C1,2026-11-01,2026-12-01,EUR,10,RF00123\n"  # bad RF
        "INV-001,C1,2026-09-01,2026-10-01,EUR,121.00,\n"  # duplicate in file
        "INV-009,C1,2026-11-01,2026-10-01,EUR,10,\n"  # due before issue
    )
    with pytest.raises(ImportFailed) as failure:
        import_invoices(write("bad.csv", bad))
    found = {(e.line, e.column) for e in failure.value.errors}
    assert found == {(5, "customer_id"), (6, "issue_date"), (7, "total"), (8, "currency"),
                     (9, "structured_reference"), (10, "number"), (11, "due_date")}  # fmt: skip
    assert Invoice.objects.count() == 0
    assert "bad.csv" in str(failure.value)


def test_json_import_with_lines_and_floats_refused(customers, write) -> None:  # type: ignore[no-untyped-def]
    doc = [
        {"number": "J-1", "customer_id": "C1", "issue_date": "2026-10-01", "due_date": "2026-10-31", "currency": "EUR",
         "total": "121.00", "net": "100.00", "vat": "21.00",
         "lines": [{"description": "Consulting", "quantity": "2", "unit_price": "50", "vat_rate": "21"}]},
    ]  # fmt: skip
    result = import_invoices(write("i.json", json.dumps(doc)))
    assert result.new == 1
    inv = Invoice.objects.get(number="J-1")
    assert (inv.net_minor, inv.vat_minor) == (10000, 2100)
    assert [(ln.description, ln.net_minor) for ln in inv.lines.all()] == [("Consulting", 10000)]
    doc[0] |= {"number": "J-2", "total": 121.0}
    with pytest.raises(ImportFailed, match="floats"):
        import_invoices(write("f.json", json.dumps(doc)))


def test_net_plus_vat_must_equal_total(customers, write) -> None:  # type: ignore[no-untyped-def]
    text = "number,customer_id,issue_date,due_date,currency,total,net,vat\nX,C1,2026-01-01,2026-02-01,EUR,100,90,9\n"
    with pytest.raises(ImportFailed, match="net 90 \\+ vat 9"):
        import_invoices(write("x.csv", text))


def test_foreign_currency_needs_a_rate(customers, write) -> None:  # type: ignore[no-untyped-def]
    text = "number,customer_id,issue_date,due_date,currency,total\nU1,C1,2026-01-01,2026-02-01,USD,100\n"
    with pytest.raises(ImportFailed, match="needs the rate"):
        import_invoices(write("u.csv", text))
    import_invoices(
        write(
            "u2.csv", text.replace("currency,total", "currency,total,rate").replace("USD,100", "USD,100,0.9")
        )
    )
    assert Invoice.objects.get(number="U1").total_functional_minor == 9000


def test_wrong_encoding_and_empty_files_are_clear_errors(customers, write) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ImportFailed, match="not UTF-8"):
        import_invoices(write("latin.csv", "number,customer_id\nF\xe9,C1\n".encode("latin-1")))
    with pytest.raises(ImportFailed, match="header"):
        import_invoices(write("empty.csv", ""))
    with pytest.raises(ImportFailed, match="invalid JSON"):
        import_invoices(write("broken.json", "[{"))


def test_nul_characters_are_refused_with_their_line(customers, write) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL cannot store U+0000: a file holding one is refused whole, naming where, before any write."""
    with pytest.raises(ImportFailed) as failure:
        import_customers(write("nul.csv", CUSTOMERS + "C3,Nul\x00 SA,BE,,,,fr\n"))
    assert [(e.line, e.column) for e in failure.value.errors] == [(4, "-")] and "NUL" in str(failure.value)
    rows = [
        {"id": "C4", "name": "Four SA", "country": "BE"},
        {"id": "C5", "name": "Nul\x00", "iban": ["BE\x00"]},
    ]
    with pytest.raises(ImportFailed) as failure:
        import_customers(write("nul.json", json.dumps(rows)))
    assert {(e.line, e.column) for e in failure.value.errors} == {(2, "name"), (2, "iban")}
    assert not Customer.objects.filter(external_id__in=["C3", "C4", "C5"]).exists()


def test_dry_run_writes_nothing(customers, write) -> None:  # type: ignore[no-untyped-def]
    result = import_invoices(write("i.csv", INVOICES), dry_run=True)
    assert result.new == 3
    assert Invoice.objects.count() == 0


def test_customer_changes_are_updated_and_audited(customers, write) -> None:  # type: ignore[no-untyped-def]
    result = import_customers(write("c2.csv", CUSTOMERS.replace("Acme SA", "Acme Group SA")))
    assert (result.updated, result.known) == (1, 1)
    assert Customer.objects.get(external_id="C1").name == "Acme Group SA"
    assert AuditEvent.objects.filter(action="customer.updated").count() == 1


def test_bad_customer_rows(entity, write) -> None:  # type: ignore[no-untyped-def]
    text = "id,name,country,iban,email\nA,,BEL,BE00 0000,nope\nA,Dup,BE,,\n"
    with pytest.raises(ImportFailed) as failure:
        import_customers(write("c.csv", text))
    assert {(e.line, e.column) for e in failure.value.errors} == {
        (2, "name"),
        (2, "country"),
        (2, "iban"),
        (2, "email"),
        (3, "id"),
    }
    assert Customer.objects.count() == 0


def test_command_exits_non_zero_with_errors_on_stderr(customers, write, capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError):
        call_command("import-invoices", str(write("b.csv", "number,customer_id\nX,C1\n")))
    assert "line 2, column issue_date: required" in capsys.readouterr().err
    call_command("import-invoices", str(write("i.csv", INVOICES)), "--format", "json")
    out = json.loads(capsys.readouterr().out)
    assert out[0]["new"] == 3


def test_lines_attach_to_their_own_entitys_invoice(customers, write) -> None:  # type: ignore[no-untyped-def]
    from encaisse.ledger.models import Entity

    other = Entity.objects.create(code="fr", legal_name="FR SAS", country="FR")
    import_customers(write("c2.csv", "id,name,entity\nC1,Acme France,fr\n"))
    line = '[{"description": "Item", "unit_price": "100"}]'
    text = (
        "number,customer_id,issue_date,due_date,currency,total,entity,lines\n"
        f'SAME-1,C1,2026-01-01,2026-02-01,EUR,100,be,"{line.replace(chr(34), chr(34) * 2)}"\n'
        f'SAME-1,C1,2026-01-01,2026-02-01,EUR,100,fr,"{line.replace(chr(34), chr(34) * 2)}"\n'
    )
    import_invoices(write("both.csv", text))
    for invoice in Invoice.objects.filter(number="SAME-1"):
        assert invoice.lines.count() == 1
    assert Invoice.objects.filter(number="SAME-1", entity=other).exists()


def test_the_order_reference_is_kept_and_part_of_what_a_row_says(customers, write) -> None:  # type: ignore[no-untyped-def]
    with_orders = INVOICES.replace("structured_reference\n", "structured_reference,order_reference\n", 1)
    with_orders = with_orders.replace("+++090/9337/55493+++\n", "+++090/9337/55493+++,PO 4500123456\n")
    with_orders = with_orders.replace("RF18539007547034\n", "RF18539007547034,\n").replace(
        "1000,\n", "1000,,\n"
    )
    first = import_invoices(write("i.csv", with_orders))
    assert first.new == 3
    assert dict(Invoice.objects.values_list("number", "order_reference")) == {
        "INV-001": "PO 4500123456", "INV-002": "", "INV-003": "",
    }  # fmt: skip
    assert import_invoices(write("i.csv", with_orders)).known == 3
    # another order reference for the same invoice is a change, refused like any other
    changed = import_invoices(write("j.csv", with_orders.replace("PO 4500123456", "PO 4500999999")))
    assert changed.changed == ["INV-001"]
    assert Invoice.objects.get(number="INV-001").order_reference == "PO 4500123456"


def test_an_order_reference_too_long_is_refused_by_line_and_field(customers, write) -> None:  # type: ignore[no-untyped-def]
    text = "number,customer_id,issue_date,due_date,currency,total,order_reference\n"
    text += f"INV-009,C1,2026-09-01,2026-10-01,EUR,10.00,{'9' * 201}\n"
    with pytest.raises(ImportFailed) as failed:
        import_invoices(write("i.csv", text))
    (error,) = failed.value.errors
    assert (error.line, error.column) == (2, "order_reference")
    assert not Invoice.objects.exists()


def test_files_without_order_references_keep_their_hashes(customers, write) -> None:  # type: ignore[no-untyped-def]
    import_invoices(write("i.csv", INVOICES))
    before = dict(Invoice.objects.values_list("number", "content_hash"))
    empty_column = INVOICES.replace("structured_reference\n", "structured_reference,order_reference\n", 1)
    empty_column = (
        "\n".join(line + "," if i else line for i, line in enumerate(empty_column.splitlines())) + "\n"
    )
    assert import_invoices(write("j.csv", empty_column)).known == 3
    assert dict(Invoice.objects.values_list("number", "content_hash")) == before


def _fi_entity(write):  # type: ignore[no-untyped-def]
    from encaisse.ledger.models import Entity

    Entity.objects.create(code="fi", legal_name="Oy Demo Ab", country="FI", reference_scheme="fi")
    import_customers(write("c-fi.csv", "id,name,entity\nF1,Asiakas Oy,fi\n"))


def test_a_finnish_entity_accepts_a_viitenumero_compact(entity, write) -> None:  # type: ignore[no-untyped-def]
    _fi_entity(write)
    text = (
        "number,customer_id,issue_date,due_date,currency,total,entity,structured_reference\n"
        "L-1,F1,2026-01-01,2026-02-01,EUR,10,fi,12 34561\n"  # Finanssiala's example
        "L-2,F1,2026-01-01,2026-02-01,EUR,10,fi,00000000000001234561\n"  # its machine form
        "L-3,F1,2026-01-01,2026-02-01,EUR,10,fi,RF18539007547034\n"  # RF still accepted
        "L-4,F1,2026-01-01,2026-02-01,EUR,10,fi,+++090/9337/55493+++\n"  # and the OGM
    )
    import_invoices(write("fi.csv", text))
    stored = dict(Invoice.objects.values_list("number", "structured_reference"))
    assert stored == {"L-1": "1234561", "L-2": "1234561", "L-3": "RF18539007547034", "L-4": "090933755493"}


def test_a_wrong_viitenumero_check_digit_is_refused_by_line_and_field(entity, write) -> None:  # type: ignore[no-untyped-def]
    _fi_entity(write)
    text = (
        "number,customer_id,issue_date,due_date,currency,total,entity,structured_reference\n"
        "L-1,F1,2026-01-01,2026-02-01,EUR,10,fi,1234561\n"
        "L-2,F1,2026-01-01,2026-02-01,EUR,10,fi,1234562\n"
    )
    with pytest.raises(ImportFailed) as failure:
        import_invoices(write("fi.csv", text))
    [error] = failure.value.errors
    assert (error.line, error.column) == (3, "structured_reference")
    assert error.reason == "neither a valid RF, a Belgian OGM nor a Finnish reference (viitenumero)"
    assert Invoice.objects.count() == 0


def test_a_belgian_entity_still_refuses_a_viitenumero(customers, write) -> None:  # type: ignore[no-untyped-def]
    text = "number,customer_id,issue_date,due_date,currency,total,structured_reference\nB-1,C1,2026-01-01,2026-02-01,EUR,10,1234561\n"
    with pytest.raises(ImportFailed) as failure:
        import_invoices(write("be.csv", text))
    [error] = failure.value.errors
    assert (error.line, error.column) == (2, "structured_reference")
    assert error.reason == "neither a valid RF nor a valid Belgian OGM reference"


def test_customer_aliases_are_imported_cleaned_and_kept_when_a_file_omits_them(entity, write) -> None:  # type: ignore[no-untyped-def]
    text = 'id,name,country,aliases\nC1,Acme SA,BE,"Acme Trading;  ACME   SA |acme sa|Brasserie Le Coq;Acme Trading"\n'
    import_customers(write("c.csv", text))
    assert Customer.objects.get(external_id="C1").aliases == ["Acme Trading", "Brasserie Le Coq"]
    again = import_customers(write("c.csv", text))
    assert (again.known, again.updated) == (1, 0)
    # a file without the column (another system's export) leaves the aliases as they are
    without = import_customers(write("c2.csv", "id,name,country\nC1,Acme SA,BE\n"))
    assert (without.known, without.updated) == (1, 0)
    assert Customer.objects.get(external_id="C1").aliases == ["Acme Trading", "Brasserie Le Coq"]
    # an empty column clears them, audit-logged as a change
    cleared = import_customers(write("c3.csv", "id,name,country,aliases\nC1,Acme SA,BE,\n"))
    assert cleared.updated == 1
    assert Customer.objects.get(external_id="C1").aliases == []
    event = AuditEvent.objects.filter(action="customer.updated").latest("sequence")
    assert event.data["before"] == {"aliases": ["Acme Trading", "Brasserie Le Coq"]}


def test_customer_aliases_from_json_and_too_long_names_refused(entity, write) -> None:  # type: ignore[no-untyped-def]
    doc = [{"id": "C1", "name": "Acme SA", "aliases": ["Acme; Trading", " Acme Logistics "]}]
    import_customers(write("c.json", json.dumps(doc)))
    assert Customer.objects.get(external_id="C1").aliases == ["Acme; Trading", "Acme Logistics"]
    with pytest.raises(ImportFailed) as failure:
        import_customers(write("c.csv", f"id,name,aliases\nC2,Beta BV,{'B' * 201}\n"))
    assert [(e.line, e.column) for e in failure.value.errors] == [(2, "aliases")]
    assert not Customer.objects.filter(external_id="C2").exists()


def test_columns_no_import_reads_are_reported_not_lost_in_silence(customers, write, capsys) -> None:  # type: ignore[no-untyped-def]
    text = INVOICES.replace("structured_reference\n", "structured_reference,sales_rep\n", 1)
    summary = import_invoices(write("i.csv", text))
    assert summary.new == 3
    assert summary.ignored_columns == ["sales_rep"]
    assert import_customers(write("c.csv", CUSTOMERS)).ignored_columns == []
    call_command(
        "import-customers", str(write("c2.csv", "id,name,Nmae,foo\nC9,Gamma,x,y\n")), "--format", "json"
    )
    captured = capsys.readouterr()
    assert json.loads(captured.out)[0]["ignored_columns"] == ["foo", "nmae"]
    assert "c2.csv: column(s) not read: foo, nmae" in captured.err


OPENING = """number,customer_id,issue_date,due_date,currency,total,structured_reference,open_amount,kind
INV-101,C1,2026-09-01,2026-10-01,EUR,121.00,,71.00,invoice
INV-102,C1,2026-09-15,2026-10-15,EUR,50.50,,0,invoice
INV-103,C2,2026-10-01,2026-11-01,EUR,1000,,1000.00,invoice
INV-104,C2,2026-10-02,2026-11-02,EUR,300,,,invoice
CN-105,C2,2026-10-03,2026-11-03,EUR,40.00,,10.00,credit_note
"""


def test_an_opening_balance_takes_each_item_down_to_its_open_amount_once(
    customers, write, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ENCAISSE_TODAY", "2026-11-20")
    path = write("open.csv", OPENING)
    first = import_invoices(path)
    assert (first.new, first.settled_before) == (5, 3)
    open_of = dict(Invoice.objects.values_list("number", "open_minor"))
    assert open_of == {"INV-101": 7100, "INV-102": 0, "INV-103": 100000, "INV-104": 30000, "CN-105": 1000}
    settled = {a.invoice.number: a for a in Allocation.objects.select_related("invoice")}
    assert {n: (a.kind, a.amount_minor, a.receipt_id) for n, a in settled.items()} == {
        "INV-101": ("opening", 5000, None), "INV-102": ("opening", 5050, None), "CN-105": ("opening", 3000, None),
    }  # fmt: skip
    assert settled["INV-101"].effective_date == date(
        2026, 11, 20
    )  # the day of the import, without open_as_of
    assert Invoice.objects.get(number="INV-102").status(date(2026, 11, 20)) == "paid"
    # the other side is the opening-balance clearing account, not the bank
    opening = JournalLine.objects.filter(account="opening_balance")
    assert sum(x.debit_minor - x.credit_minor for x in opening) == 5000 + 5050 - 3000
    assert not JournalLine.objects.filter(account="bank").exists()
    assert check([date(2026, 11, 20)]) == []
    # the same file again: nothing new, nothing settled twice
    events = AuditEvent.objects.count()
    second = import_invoices(path)
    assert (second.new, second.known, second.changed, second.settled_before) == (0, 5, [], 0)
    assert Allocation.objects.count() == 3
    assert AuditEvent.objects.count() == events
    # another open amount for a known item is a change, reported and not applied
    third = import_invoices(write("open2.csv", OPENING.replace("121.00,,71.00", "121.00,,21.00")))
    assert third.changed == ["INV-101"]
    assert Invoice.objects.get(number="INV-101").open_minor == 7100


def test_an_opening_balance_dated_by_the_file_and_shown_to_the_customer(customers, write) -> None:  # type: ignore[no-untyped-def]
    text = "number,customer_id,issue_date,due_date,currency,total,open_amount,open_as_of\n"
    text += "INV-201,C1,2026-09-01,2026-10-01,EUR,121.00,21.00,2026-09-30\n"
    import_invoices(write("o.csv", text))
    inv = Invoice.objects.get(number="INV-201")
    assert inv.status(date(2026, 10, 5)) == "partially_paid"
    (a,) = Allocation.objects.filter(invoice=inv)
    assert (a.kind, a.amount_minor, a.effective_date) == ("opening", 10000, date(2026, 9, 30))
    assert [(p["label"], p["amount"]) for p in payments_of(inv)] == [("Settled before", Decimal("100.00"))]


def test_bad_opening_balances_are_refused_by_line_and_field(customers, write) -> None:  # type: ignore[no-untyped-def]
    text = "number,customer_id,issue_date,due_date,currency,total,open_amount,open_as_of\n"
    text += "INV-301,C1,2026-09-01,2026-10-01,EUR,121.00,130.00,\n"  # more than the total
    text += "INV-302,C1,2026-09-01,2026-10-01,EUR,121.00,-1.00,\n"  # negative
    text += "INV-303,C1,2026-09-01,2026-10-01,EUR,121.00,1.005,\n"  # too many decimals
    text += "INV-304,C1,2026-09-01,2026-10-01,EUR,121.00,21.00,2026-08-31\n"  # before the issue
    text += "INV-305,C1,2026-09-01,2026-10-01,EUR,121.00,21.00,\n"  # a good row: not imported either
    with pytest.raises(ImportFailed) as failure:
        import_invoices(write("bad-open.csv", text))
    assert {(e.line, e.column) for e in failure.value.errors} == {
        (2, "open_amount"), (3, "open_amount"), (4, "open_amount"), (5, "open_as_of"),
    }  # fmt: skip
    assert "more than the total 121.00" in str(failure.value)
    assert not Invoice.objects.exists() and not Allocation.objects.exists()


def test_a_dry_run_counts_the_opening_balances_and_posts_nothing(customers, write) -> None:  # type: ignore[no-untyped-def]
    summary = import_invoices(write("open.csv", OPENING), dry_run=True)
    assert (summary.new, summary.settled_before, summary.as_dict()["settled_before"]) == (5, 3, 3)
    assert not Invoice.objects.exists() and not Allocation.objects.exists()


def test_the_command_says_how_many_items_came_with_an_opening_balance(customers, write, capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("import-invoices", str(write("open.csv", OPENING)))
    out = capsys.readouterr().out
    assert "5 new invoices" in out
    assert "3 settled in part or in full before (opening balances)" in out
