"""What the black-box checks read of the product's export (``encaisse export-allocations``).

Each check designs its own data and truth; they share only this: reading the export's rows and the
outcome of each transaction, as the export contract defines them (docs/cashapp.md, "Accounting rows").
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from pathlib import Path

#: one export row: invoice number, amount in cents, kind, status, confidence
Row = tuple[str, int, str, str, str]


def cents(text: str) -> int:
    """An amount written with a dot ("-1234.50", "1,234.50") in cents."""
    neg = text.strip().startswith("-")
    whole, _, frac = text.strip().lstrip("-+").partition(".")
    v = int(whole.replace(",", "") or 0) * 100 + int((frac + "00")[:2] or 0)
    return -v if neg else v


def read_export(path: Path) -> dict[str, list[Row]]:
    """The export's rows by the bank's transaction reference (none when the file is missing)."""
    rows: dict[str, list[Row]] = defaultdict(list)
    if path.exists():
        with path.open(newline="", encoding="utf-8-sig") as f:
            for r in csv.DictReader(f):
                rows[r["tx_ref"]].append(
                    (r["invoice_number"], cents(r["amount"]), r["kind"], r["status"], r.get("confidence", ""))
                )
    return rows


def outcome(rows: list[Row]) -> tuple[str, list[tuple[str, int, str]]]:
    """(status, applied rows) of one transaction: ``applied``, ``suggested``, ``unmatched`` or ``missing``
    (not in the export); a transaction applied as unrelated is not posted to a customer, so unmatched."""
    statuses = {r[3] for r in rows}
    status = (
        "applied"
        if "applied" in statuses
        else "suggested"
        if "suggested" in statuses
        else "unmatched"
        if rows
        else "missing"
    )
    applied = sorted((n, a, k) for n, a, k, s, _c in rows if s == "applied" and k != "unrelated")
    if status == "applied" and not applied:
        status = "unmatched"
    return status, applied


def envelope(rows: list[tuple[str, int, str]]) -> tuple[list[tuple[str, int]], list[tuple[str, int]], int]:
    """What a whole payment's rows come to: invoice rows, deductions per invoice, on account."""
    inv = sorted((n, a) for n, a, k in rows if k == "invoice")
    ded: Counter[str] = Counter()
    for n, a, k in rows:
        if k == "deduction":
            ded[n] += a
    acc = sum(a for _n, a, k in rows if k == "on_account")
    return inv, sorted((n, a) for n, a in ded.items() if a), acc
