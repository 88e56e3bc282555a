"""Explanations a person can check, and the decisions' export.

Every decision says why, in the words a clerk would use: which reference was
found and how ("RF reference RF18 5390 0754 7034 exact", "invoice number
without year 'INV1234' → INV-2026-1234"), who paid ("payer account seen on 14
earlier payments of this customer"), and how the amount fits ("amount equal",
"12.50 short: bank charges within the tolerance").

:func:`write_csv` writes decisions as the export contract
``tx_ref,invoice_number,amount,status,kind,confidence``.

>>> describe_reference("RF reference", "RF18539007547034", "INV-2026-1234")
'RF reference RF18 5390 0754 7034 exact (INV-2026-1234)'
>>> describe_reference("invoice number without year", "INV1234", "INV-2026-1234")
"invoice number without year 'INV1234' → INV-2026-1234"
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from decimal import Decimal
from typing import IO, TYPE_CHECKING

from encaisse.core.matching.records import AllocationKind, CreditTransaction, Decision
from encaisse.core.matching.scoring import FEATURES
from encaisse.core.money import minor_unit

if TYPE_CHECKING:
    from encaisse.core.matching.engine import PayerView
    from encaisse.core.matching.index import Book
    from encaisse.core.matching.scoring import Hypothesis

__all__ = ["CSV_HEADER", "describe_amount", "describe_payer", "describe_reference", "write_csv"]

_ADVANCE_WORDS = FEATURES.index("advance_words")

CSV_HEADER = ("tx_ref", "invoice_number", "amount", "status", "kind", "confidence")


def describe_reference(label: str, key: str, number: str) -> str:
    """How an item's number or reference was found in the payment."""
    if label.startswith(("RF reference", "structured communication")) or label.endswith("reference"):
        shown = " ".join(key[i : i + 4] for i in range(0, len(key), 4)) if key.startswith("RF") else key
        if key.isdigit() and len(key) == 12:
            shown = f"+++{key[:3]}/{key[3:7]}/{key[7:]}+++"
        return f"{label} {shown} exact ({number})"
    return f"{label} '{key}' → {number}"


def _money(minor: int, currency: str) -> str:
    return f"{Decimal(minor).scaleb(-minor_unit(currency))} {currency}"


def describe_amount(reason: str, h: Hypothesis, book: Book, tx: CreditTransaction) -> str:
    """How the amount fits the allocation (or why a row exists)."""
    cur = tx.currency
    invoice_rows = [(i, m) for kind, i, m, _ in h.rows if kind == AllocationKind.INVOICE]
    deductions = -sum(
        m
        for kind, _, m, r in h.rows
        if kind == AllocationKind.DEDUCTION
        and (r == reason or (reason in ("charges",) and r == "bank_charges"))
    )
    on_account = sum(m for kind, _, m, _ in h.rows if kind == AllocationKind.ON_ACCOUNT)
    n = len(invoice_rows)
    which = "the open amount" if n == 1 else f"the open amounts of {n} items"
    if reason == "exact":
        return "amount equal" if n == 1 else f"amount equal to the sum of {n} open items"
    if reason == "discount":
        terms = []
        for i, _ in invoice_rows:
            bp, days = book.discount_terms(i)
            if bp:
                terms.append(f"{bp / 100:g}% within {days} days")
        return f"early-payment discount of {_money(deductions, cur)} taken per the terms ({', '.join(sorted(set(terms)))})"
    if reason in ("charges", "bank_charges"):
        return f"{_money(deductions, cur)} short of {which}: bank charges within the tolerance"
    if reason == "explained":
        kept = -sum(m for kind, _, m, r in h.rows if kind == AllocationKind.DEDUCTION and r != "bank_charges")
        on = {i for kind, i, _, r in h.rows if kind == AllocationKind.DEDUCTION and r != "bank_charges"}
        where = f" on {len(on)} invoices" if len(on) > 1 else ""
        return f"{_money(kept, cur)} deducted{where}, as the remittance text explains"
    if reason == "partial":
        opened = sum(book.open[i] for i, _ in invoice_rows)
        paid = sum(m for _, m in invoice_rows)
        return f"partial payment of {_money(paid, cur)} on {_money(opened, cur)} open: the rest stays open"
    if reason in ("over", "overpayment"):
        return f"{_money(on_account, cur)} more than {which}: kept on account"
    if reason == "duplicate":
        return "the referenced items are already settled: a second payment, kept on account"
    if reason == "advance":
        if h.features and h.features[_ADVANCE_WORDS]:
            return "nothing open fits and the text speaks of an advance: kept on account"
        return "nothing open fits: kept on account (an advance?)"
    if reason == "unrelated":
        return "not a customer payment"
    return reason


def describe_payer(
    evidence: tuple[int, int, bool, float, float, float],
    tx: CreditTransaction,
    book: Book,
    customer: int,
    payer: PayerView,
) -> str:
    """Who paid, as the account and the name tell."""
    iban_self, iban_third, iban_other, name_self, name_third, name_other = evidence
    parts: list[str] = []
    if iban_self >= 2:
        parts.append(f"payer account seen on {iban_self} earlier payments of this customer")
    elif iban_self == 1:
        parts.append("payer account known for this customer")
    if iban_third:
        names = [
            book.party_name[p] or book.party_id[p] for p in book.payers_of[customer] if p in payer.iban_hits
        ]
        parts.append(f"payer account belongs to {', '.join(names)}, which pays for this customer")
    if iban_other:
        others = [book.party_name[p] or book.party_id[p] for p in list(payer.iban_hits)[:2]]
        parts.append(f"payer account known for another party ({', '.join(others)})")
    numbered = payer.numbered.get(customer)
    if numbered is not None:
        given = (tx.counterparty_name or "").lstrip()
        coded = given[:1].isdigit() and given.lstrip("0").startswith(numbered[0])
        where = "before the payer's name" if coded else "in the text"
        parts.append(f"customer number {numbered[0]} written {where}")
        name_self = numbered[1]
    if name_self >= 0.7:
        named = (
            payer.names[0]
            if (payer.network or payer.agent or payer.in_text) and payer.names
            else tx.counterparty_name or tx.ultimate_debtor
        )
        where = "payer name"
        if payer.network or payer.in_text or (payer.agent and named != tx.ultimate_debtor):
            where = "name in the text"
        parts.append(f"{where} '{named}' matches the customer ({name_self:.2f})")
    if name_third >= 0.7:
        names = [book.party_name[p] for p in book.payers_of[customer] if payer.name_hits.get(p, 0.0) >= 0.7]
        parts.append(f"payer name matches {', '.join(names)}, which pays for this customer")
    if name_other >= 0.9 and name_self < 0.7 and name_third < 0.7 and not iban_self:
        parts.append(f"payer name looks like another party ({name_other:.2f})")
    if not parts and not payer.agent:
        parts.append("payer unknown" if payer.has_info else "no payer details")
    if payer.network:  # its account and name are not the customer's (none were read)
        parts.insert(0, f"paid through {payer.network}")
    elif payer.agent:  # nor a paying agent's
        parts.insert(0, f"paid by a paying agent (its account is on file for {payer.agent} customers)")
    return "; ".join(parts)


def write_csv(decisions: Iterable[Decision], out: IO[str]) -> int:
    """Write the export rows (with the header); returns the number of rows."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    count = 0
    for decision in decisions:
        for row in decision.export_rows():
            writer.writerow(row)
            count += 1
    return count
