"""Back office in a real browser: a clerk imports a statement and confirms a match; a collector sends a run."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from browser_support import TODAY, Site, screenshot, sign_in
from camt_writer import write_camt053

from encaisse.core.names import NameIndex
from encaisse.formats.bank.records import (
    Balance,
    CreditorReference,
    ParsedStatement,
    ReferenceKind,
    Statement,
    Transaction,
)

pytestmark = pytest.mark.browser
SENDING_MS = 180_000


def _euros(minor: int) -> Decimal:
    return Decimal(minor) / 100


def _misspelt(name: str) -> str:
    """One letter of the name's longest word replaced, as a payer's bank may write it."""
    word = max(name.split(), key=len)
    middle = len(word) // 2
    return name.replace(word, word[:middle] + ("X" if word[middle] != "X" else "Q") + word[middle + 1 :], 1)


def _payments(site: Site) -> dict[str, Any]:
    """Three payments to the Belgian demo entity, chosen from its open invoices.

    - ``paid``: the structured reference (OGM) of an open invoice and its exact amount: applied at once;
    - ``suggested``: the exact amount of one of a customer's many open invoices, the customer's name
      without its legal form and with one letter wrong (close, but not the name word for word: the
      customer is likely, not certain), an account we have never seen and no reference: a suggestion
      to review;
    - ``unknown``: a name we do not know and no reference: unmatched.
    """
    (entity,) = site.query("SELECT id, ibans FROM ledger_entity WHERE code = 'demo-be'")
    paid = site.query(
        "SELECT i.id, i.number, i.structured_reference, i.open_minor, c.name, c.ibans FROM ledger_invoice i "
        "JOIN ledger_customer c ON c.id = i.customer_id WHERE i.entity_id = ? AND i.kind = 'invoice' "
        "AND i.open_minor = i.total_minor AND i.structured_reference != '' AND c.ibans != '[]' "
        "ORDER BY i.number LIMIT 1",
        entity["id"],
    )[0]
    # of the customers with the most open invoices, the first whose misspelt name stays close to its own
    # (and to no other), and the oldest of its invoices whose amount is theirs alone
    names = NameIndex()
    for c in site.query("SELECT id, name FROM ledger_customer WHERE entity_id = ?", entity["id"]):
        names.add(c["id"], c["name"])
    busiest = site.query(
        "SELECT c.id, c.name, c.legal_form FROM ledger_customer c JOIN ledger_invoice i ON i.customer_id = c.id "
        "WHERE c.entity_id = ? AND i.open_minor > 0 AND c.id != (SELECT customer_id FROM ledger_invoice WHERE id = ?) "
        "GROUP BY c.id ORDER BY COUNT(*) DESC, c.id LIMIT 40",
        entity["id"], paid["id"],
    )  # fmt: skip
    for customer in busiest:
        payer = _misspelt(customer["name"].removesuffix(customer["legal_form"]).strip().upper())
        found = names.search(payer)
        if found and found[0][0] == customer["id"] and 0.8 <= found[0][1] < 0.9:
            break
    else:
        raise AssertionError("no demo customer with a name to misspell")
    suggested = site.query(
        "SELECT i.id, i.number, i.open_minor FROM ledger_invoice i WHERE i.customer_id = ? AND i.kind = 'invoice' "
        "AND i.open_minor = i.total_minor AND (SELECT COUNT(*) FROM ledger_invoice j WHERE j.customer_id = i.customer_id "
        "AND j.open_minor = i.open_minor) = 1 ORDER BY i.due_date, i.number LIMIT 1",
        customer["id"],
    )[0]
    return {
        "account": json.loads(entity["ibans"])[0],
        "paid": dict(paid) | {"iban": json.loads(paid["ibans"])[0]},
        "suggested": dict(suggested) | {"payer": payer, "customer": customer["name"]},
    }


def _camt053(p: dict[str, Any]) -> bytes:
    day = date.fromisoformat(TODAY)
    paid, suggested = p["paid"], p["suggested"]
    txs = (
        Transaction(
            amount=_euros(paid["open_minor"]), currency="EUR", location="", bank_reference="BRW-0001",
            booking_date=day, value_date=day, counterparty_name=paid["name"].upper(),
            counterparty_account=paid["iban"],
            creditor_references=(CreditorReference(paid["structured_reference"], ReferenceKind.BE_OGM),),
            entry_index=1,
        ),
        Transaction(
            amount=_euros(suggested["open_minor"]), currency="EUR", location="", bank_reference="BRW-0002",
            booking_date=day, value_date=day, counterparty_name=suggested["payer"],
            counterparty_account="BE71096123456769", remittance_lines=("betaling",), entry_index=2,
        ),
        Transaction(
            amount=Decimal("464.97"), currency="EUR", location="", bank_reference="BRW-0003", booking_date=day,
            value_date=day, counterparty_name="Leroy", entry_index=3,
        ),
    )  # fmt: skip
    opening = Decimal("25000.00")
    statement = Statement(
        format="camt.053", currency="EUR", location="Stmt[1]", transaction_count=len(txs),
        version="camt.053.001.08", statement_id=f"BRW-{TODAY}", electronic_sequence="77", account_iban=p["account"],
        opening_balance=Balance(opening, "EUR", day), closing_balance=Balance(opening + sum(t.amount for t in txs), "EUR", day),
    )  # fmt: skip
    return write_camt053([ParsedStatement(statement, txs)])


def test_clerk_imports_a_statement_and_accepts_the_suggested_match(
    page: Any, site: Site, tmp_path: Path
) -> None:
    payments = _payments(site)
    paid, suggested = payments["paid"], payments["suggested"]
    statement = tmp_path / "camt053-brw.xml"
    statement.write_bytes(_camt053(payments))

    sign_in(page, "clerk")
    page.get_by_role("heading", level=1).first.wait_for()
    screenshot(page, "dashboard")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Invoices").click()
    page.wait_for_url("**/invoices/")
    page.locator("table tbody tr").first.wait_for()
    screenshot(page, "invoices")

    # a file that is not a statement is refused with a message; nothing is imported
    page.goto("/bank/statements/")
    junk = tmp_path / "notes.txt"
    junk.write_text("these are not the statements you are looking for\n")
    page.get_by_label("Statement file").set_input_files(str(junk))
    page.get_by_role("button", name="Import and match").click()
    page.get_by_role("alert").wait_for()
    assert "Refused, nothing imported" in page.get_by_role("alert").inner_text()
    assert site.query("SELECT COUNT(*) AS n FROM banking_statement")[0]["n"] == 0

    # the real statement: imported, then matched at once
    page.get_by_label("Statement file").set_input_files(str(statement))
    page.get_by_label("Entity").select_option("demo-be")
    page.get_by_role("button", name="Import and match").click()
    result = page.locator("#upload-result")
    result.wait_for()
    text = result.inner_text()
    assert "camt053-brw.xml (camt.053)" in text
    assert "3 transaction(s) new" in text
    assert "Matching demo-be: 1 applied, 1 suggested, 1 unmatched" in text
    assert page.get_by_role("cell", name=f"BRW-{TODAY}").count() == 1  # listed with the statements
    (row,) = site.query("SELECT open_minor FROM ledger_invoice WHERE id = ?", paid["id"])
    assert row["open_minor"] == 0  # the referenced payment settled its invoice without anyone

    # the review queue opens on the suggestion: the payment, the proposal, the invoice ticked
    page.get_by_role("link", name="Review the 2 payment(s) waiting").click()
    page.wait_for_url(re.compile(r"/review/\d+/$"))
    amount = f"{_euros(suggested['open_minor']):.2f}"
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == f"{amount} EUR from {suggested['payer']}"
    assert suggested["number"] in page.locator(".proposal").first.inner_text()
    assert page.get_by_label(suggested["number"], exact=True).is_checked()
    assert "2 payment(s) to review" in page.locator("#review").inner_text()
    screenshot(page, "review-queue")
    assert (
        site.query("SELECT open_minor FROM ledger_invoice WHERE id = ?", suggested["id"])[0]["open_minor"] > 0
    )

    page.get_by_role("button", name="Accept").click()
    # htmx swaps in the next payment of the queue: the unknown payer
    page.get_by_role("heading", level=1, name="464.97 EUR from Leroy").wait_for()
    assert "1 payment(s) to review" in page.locator("#review").inner_text()

    (inv,) = site.query("SELECT open_minor FROM ledger_invoice WHERE id = ?", suggested["id"])
    assert inv["open_minor"] == 0
    allocations = site.query(
        "SELECT a.amount_minor, a.kind, r.reference FROM ledger_allocation a JOIN ledger_receipt r ON r.id = a.receipt_id "
        "WHERE a.invoice_id = ?",
        suggested["id"],
    )
    assert [(a["amount_minor"], a["kind"]) for a in allocations] == [(suggested["open_minor"], "invoice")]
    (decision,) = site.query(
        "SELECT d.status, d.confirmed FROM cashapp_matchdecision d JOIN banking_banktransaction t "
        "ON t.id = d.transaction_id WHERE t.bank_reference = 'BRW-0002' AND d.is_current"
    )
    assert decision["confirmed"] == 1
    waiting = site.cli_json("review", "--entity", "demo-be")
    assert [w["tx_ref"] for w in waiting] == ["BRW-0003"]


def test_collector_previews_and_sends_a_dunning_run(page: Any, site: Site) -> None:
    sign_in(page, "collector")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Collections").click()
    page.wait_for_url("**/collections/")
    # the demo prepared today's runs; the French entity's waits for approval
    page.locator("tbody tr", has_text="demo-fr").get_by_role("link", name="March 16, 2026").click()
    page.wait_for_url(re.compile(r"/collections/runs/\d+/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Dunning run demo-fr as of March 16, 2026"
    run_id = int(page.url.rstrip("/").rsplit("/", 1)[1])

    letters = site.query(
        "SELECT l.id, l.status, l.channel, c.name, c.emails FROM collections_dunningletter l "
        "JOIN ledger_customer c ON c.id = l.customer_id WHERE l.run_id = ? ORDER BY l.id",
        run_id,
    )
    assert letters, "the demo's French entity has overdue customers: the run must hold letters"
    assert {row["status"] for row in letters} == {"draft"}
    assert page.locator("section.letter").count() == len(letters)
    first = letters[0]
    assert first["name"] in page.locator(f"#letter-{first['id']} h2").inner_text()
    screenshot(page, "dunning-preview")
    preview = (
        page.locator(f"#letter-{first['id']}").get_by_role("link", name="PDF preview").get_attribute("href")
    )
    pdf = page.request.get(preview)
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")

    page.get_by_role("button", name="Approve all").click()
    page.get_by_text(f"{len(letters)} letter(s) approved.").wait_for()
    before = len(site.inbox.snapshot())
    # rendering, archiving and e-mailing every letter happens in this one request
    page.get_by_role("button", name="Send approved letters").click(timeout=SENDING_MS)
    page.get_by_text(re.compile(r"\d+ sent, \d+ waiting, \d+ failed\.")).wait_for(timeout=SENDING_MS)
    by_email = [row for row in letters if row["channel"] == "email"]
    assert by_email, "the run sends some letters by e-mail"
    summary = page.get_by_text(re.compile(r"\d+ sent, \d+ waiting, \d+ failed\.")).inner_text()
    sent = int(summary.split(" sent")[0])
    assert sent >= len(by_email) and summary.endswith(" 0 failed.")

    statuses = {row["id"]: row["status"] for row in site.query(
        "SELECT id, status FROM collections_dunningletter WHERE run_id = ?", run_id)}  # fmt: skip
    assert sum(1 for s in statuses.values() if s == "sent") == sent
    # every e-mailed letter arrived at one of its customer's addresses with its PDF
    for row in by_email:
        addresses = json.loads(row["emails"])
        msg = next(
            (m for rcpts, m in site.inbox.snapshot()[before:] if set(map(str.lower, rcpts)) & {a.lower() for a in addresses}),
            None,
        )  # fmt: skip
        assert msg is not None, f"no letter e-mail to {addresses}"
        names = [part.get_filename() for part in msg.iter_attachments()]
        assert f"DL-{row['id']}.pdf" in names
        pdf = next(p for p in msg.iter_attachments() if p.get_filename() == f"DL-{row['id']}.pdf")
        assert pdf.get_content().startswith(b"%PDF")
