"""Importing statements: idempotent, atomic per file, checked; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from camt_statements import IBAN, camt
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from encaisse.banking.importing import StatementImportError, import_statement_file
from encaisse.banking.models import BankAccount, BankTransaction, SourceFile, Statement
from encaisse.ledger.archive import ArchiveStore
from encaisse.ledger.models import AuditEvent, Entity

MT940 = """:20:STMT1
:25:BE68539007547034
:28C:00012/001
:60F:C260301EUR1000,00
:61:2603020302C150,00NTRFNONREF//B1
:86:/EREF/E2E-1/REMI/USTD//Invoice 2026-001/NAME/Acme SA/IBAN/BE71096123456769
:61:2603020302C150,00NTRFNONREF
:86:Invoice 2026-001 Acme SA
:61:2603020302C150,00NTRFNONREF
:86:Invoice 2026-001 Acme SA
:62F:C260302EUR1450,00
-
"""


@pytest.fixture
def home(tmp_path, entity):  # type: ignore[no-untyped-def]
    with override_settings(HOME=tmp_path):
        yield entity


def test_import_is_idempotent_and_archives_the_file(home, write) -> None:  # type: ignore[no-untyped-def]
    path = write(
        "s1.xml", camt([{"amount": "100.00", "ref": "R1"}, {"amount": "25.50", "ref": "R2", "cd": "DBIT"}])
    )
    first = import_statement_file(path)
    assert (first.statements, first.transactions_new, first.transactions_known) == (1, 2, 0)
    assert first.credits == {"EUR": Decimal("100.00")} and first.debits == {"EUR": Decimal("-25.50")}
    events = AuditEvent.objects.count()
    second = import_statement_file(path)
    assert (
        second.statements,
        second.statements_known,
        second.transactions_new,
        second.transactions_known,
    ) == (0, 1, 0, 2)
    assert second.file_known
    assert BankTransaction.objects.count() == 2 and Statement.objects.count() == 1
    assert AuditEvent.objects.count() == events
    sha = SourceFile.objects.get().sha256
    assert ArchiveStore().get(sha) == path.read_bytes()
    tx = BankTransaction.objects.get(bank_reference="R1")
    assert (tx.amount_minor, tx.counterparty_name, tx.remittance_lines) == (
        10000,
        "Acme SA",
        ["Invoice 2026-001"],
    )
    assert (tx.btc_domain, tx.btc_family, tx.btc_sub_family) == ("PMNT", "RCDT", "ESCT")


def test_overlapping_later_statement_adds_only_the_new(home, write) -> None:  # type: ignore[no-untyped-def]
    import_statement_file(
        write("a.xml", camt([{"amount": "100.00", "ref": "R1"}, {"amount": "50.00", "ref": "R2"}]))
    )
    later = camt(
        [{"amount": "50.00", "ref": "R2"}, {"amount": "70.00", "ref": "R3"}],
        opening="1100.00",
        seq="2",
        stmt_id="S2",
    )
    result = import_statement_file(write("b.xml", later))
    assert (result.transactions_new, result.transactions_known) == (1, 1)
    assert sorted(BankTransaction.objects.values_list("bank_reference", flat=True)) == ["R1", "R2", "R3"]


def test_duplicate_looking_transactions_without_reference_are_kept_apart(home, write) -> None:  # type: ignore[no-untyped-def]
    result = import_statement_file(write("s.sta", MT940))
    assert result.transactions_new == 3
    idents = list(BankTransaction.objects.order_by("position").values_list("identity", flat=True))
    assert idents[1].startswith("fp:") and idents[2] == idents[1] + "#2"
    again = import_statement_file(write("copy.sta", MT940 + "\n"))  # same data, another file
    assert (again.transactions_new, again.transactions_known) == (0, 3)


def test_unbalanced_refused_unless_accepted_then_flagged(home, write) -> None:  # type: ignore[no-untyped-def]
    path = write("u.xml", camt([{"amount": "100.00", "ref": "R1"}], closing="1099.00"))
    with pytest.raises(StatementImportError, match=r"does not balance.*difference -1\.00"):
        import_statement_file(path)
    assert BankTransaction.objects.count() == 0 and SourceFile.objects.count() == 0
    result = import_statement_file(path, accept_unbalanced=True)
    assert result.transactions_new == 1 and any("flagged" in w for w in result.warnings)
    assert Statement.objects.get().unbalanced_minor == -100


def test_a_bad_statement_refuses_the_whole_file(home, write) -> None:  # type: ignore[no-untyped-def]
    good = MT940
    bad = MT940.replace(":20:STMT1", ":20:STMT2").replace(
        ":61:2603020302C150,00NTRFNONREF//B1", ":61:2603020302C1X0,00NTRFNONREF//B1"
    )
    with pytest.raises(StatementImportError, match="line"):
        import_statement_file(write("two.sta", good + bad))
    assert BankTransaction.objects.count() == 0 and Statement.objects.count() == 0


def test_sequence_gap_and_repeat_are_reported(home, write) -> None:  # type: ignore[no-untyped-def]
    import_statement_file(write("1.xml", camt([{"amount": "1.00", "ref": "A"}], seq="1", stmt_id="S1")))
    gap = import_statement_file(
        write("4.xml", camt([{"amount": "1.00", "ref": "B"}], opening="1001.00", seq="4", stmt_id="S4"))
    )
    assert any("gap" in w and "2–3" in w for w in gap.warnings)
    rep = import_statement_file(
        write("4b.xml", camt([{"amount": "2.00", "ref": "C"}], opening="1002.00", seq="4", stmt_id="S4b"))
    )
    assert any("repeats" in w for w in rep.warnings)


def test_account_of_nobody_needs_an_entity_when_several_exist(home, write) -> None:  # type: ignore[no-untyped-def]
    Entity.objects.create(code="fr", legal_name="FR SAS", country="FR")
    path = write("s.xml", camt([{"amount": "1.00", "ref": "A"}]))
    with pytest.raises(StatementImportError, match="give --entity"):
        import_statement_file(path)
    import_statement_file(path, entity_code="fr")
    assert BankAccount.objects.get().entity.code == "fr"


def test_an_account_an_entity_declares_goes_to_that_entity(home, write) -> None:  # type: ignore[no-untyped-def]
    # `init --iban` declares the entity's own accounts: their statements need no --entity
    Entity.objects.create(code="fr", legal_name="FR SAS", country="FR", ibans=[IBAN[:4] + " " + IBAN[4:]])
    Entity.objects.create(code="nl", legal_name="NL BV", country="NL", ibans=["NL91ABNA0417164300"])
    import_statement_file(write("s.xml", camt([{"amount": "1.00", "ref": "A"}])))
    assert BankAccount.objects.get().entity.code == "fr"


def test_transaction_currency_must_match_the_account(home, write) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(StatementImportError, match="USD"):
        import_statement_file(write("c.xml", camt([{"amount": "1.00", "ref": "A", "ccy": "USD"}])))


def test_entity_tricks_and_size_limit_refused_cleanly(home, write) -> None:  # type: ignore[no-untyped-def]
    lol = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>&lol2;</BkToCstmrStmt></Document>'
    with pytest.raises(StatementImportError, match="DTD"):
        import_statement_file(write("lol.xml", lol))
    xxe = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>&x;</BkToCstmrStmt></Document>'
    with pytest.raises(StatementImportError, match="DTD"):
        import_statement_file(write("xxe.xml", xxe))
    with (
        override_settings(ENCAISSE_MAX_IMPORT_BYTES=100),
        pytest.raises(StatementImportError, match="size limit"),
    ):
        import_statement_file(write("big.xml", camt([{"amount": "1.00", "ref": "A"}])))
    with pytest.raises(StatementImportError, match=r"not.*recognis"):
        import_statement_file(write("x.pdf", b"%PDF-1.7 not a statement"))
    assert SourceFile.objects.count() == 0


def test_command_json_summary_and_transactions_listing(home, write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write("s.xml", camt([{"amount": "100.00", "ref": "R1"}]))
    call_command("import-statement", str(path), "--format", "json")
    doc = json.loads(capsys.readouterr().out)
    assert (doc["statements"], doc["transactions_new"], doc["transactions_known"]) == (1, 1, 0)
    call_command("import-statement", str(path), "--format", "camt.053", "--format", "json")
    doc = json.loads(capsys.readouterr().out)
    assert (doc["statements"], doc["transactions_new"], doc["transactions_known"]) == (0, 0, 1)
    call_command("transactions", "--account", IBAN, "--format", "csv")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("account,booking_date,value_date,amount")
    assert lines[1].startswith(f"{IBAN},2026-03-02,2026-03-02,100.00,EUR,Acme SA")
    with pytest.raises(CommandError):
        call_command("import-statement", str(write("bad.xml", b"<Document/>")))


def test_pages_show_statements_and_everything_the_bank_sent(home, write) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import User

    import_statement_file(write("s.xml", camt([{"amount": "100.00", "ref": "R1", "text": "Facture F-42"}])))
    User.objects.create_superuser("root", password="a-long-password-2")
    client = Client()
    client.force_login(User.objects.get(username="root"))
    assert "S1" in client.get("/bank/statements/").content.decode()
    listing = client.get("/bank/transactions/?q=F-42").content.decode()
    assert "Facture F-42" in listing
    tx = BankTransaction.objects.get()
    detail = client.get(f"/bank/transactions/{tx.pk}/").content.decode()
    for shown in ("Acme SA", "Facture F-42", "PMNT", "R1", "s.xml"):
        assert shown in detail
